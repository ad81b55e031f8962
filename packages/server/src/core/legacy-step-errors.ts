import type { DomainErrorCode } from '@baton/protocol';

/** The codes the old-shape flow steps are thrown with. */
export type LegacyStepCode = 'invalid_grant' | 'credential_required' | 'attributes_required';

/** The old, wire-shaped details of those steps. */
export interface LegacyStepDetails {
  suberror?: 'mfa_required' | 'registration_required';
  errorCodes: number[];
  continuationToken: string;
  extra?: { required_attributes: readonly { name: string }[] };
}

type DomainDetails = { continuationToken?: string; retryAfter?: number; attributes?: readonly { name: string }[] };

/**
 * Three throw sites (SignInCompletion.requireSecondFactor, and sign-up's
 * credential_required and attributes_required) still build their flow step in the old
 * wire shape until r13/flows returns those steps as values. This reads them as the domain
 * errors `mfa_required`, `registration_required`, `credential_required` and
 * `attributes_required`, whose wire shape the protocol's catalog gives. Delete it with them.
 */
export function fromLegacyStep(
  code: DomainErrorCode | LegacyStepCode,
  details: DomainDetails | LegacyStepDetails,
): { code: DomainErrorCode; details: DomainDetails } {
  if (!('errorCodes' in details)) return { code: code as DomainErrorCode, details };
  const stepCode = details.suberror ?? (code as DomainErrorCode);
  const attributes = details.extra?.required_attributes;
  return {
    code: stepCode,
    details: { continuationToken: details.continuationToken, ...(attributes ? { attributes } : {}) },
  };
}
