import type { App, DeviceKind, User } from '../model.js';
import type { AuditRepository, CountryLookup } from '../ports.js';
import type { EvaluationPoint } from './policy-document.js';
import type { PolicyFacts } from './policy-language.js';

/** Who and what a decision is about, as the point of evaluation knows it. */
export interface PolicySubject {
  tenantId: string;
  app: App;
  user: User;
  device: { kind: DeviceKind | string; platform: string; new: boolean };
  /** The session going on, or the one a sign-in is about to open. */
  session: {
    amr: string[];
    /** When the user proved who they are; null for a sign-in happening now. */
    authTime: number | null;
    dpopBound: boolean;
    handedOff: boolean;
  };
  /** The caller's address after the trusted-proxy rules, or null (a CLI what-if without --ip). */
  ip: string | null;
}

/** Where the facts a subject does not carry come from. */
export interface FactSources {
  countries: CountryLookup;
  audit: AuditRepository;
  now: number;
}

const hourMs = 3600_000;

/**
 * The variables of one evaluation, computed once. The failed sign-ins are counted only when
 * a rule reads `risk` (`needsRisk`): it is a query, and most documents never ask.
 */
export async function policyFacts(
  point: EvaluationPoint,
  subject: PolicySubject,
  sources: FactSources,
  needsRisk: boolean,
): Promise<PolicyFacts> {
  const { app, user, device, session, ip } = subject;
  const failedAttempts = needsRisk
    ? await sources.audit.count({
        tenantId: subject.tenantId,
        type: 'sign_in.failed',
        userId: user.id,
        since: sources.now - hourMs,
      })
    : 0;
  return {
    request: { ip: ip ?? '', country: ip ? sources.countries.countryOf(ip) : '', at: point },
    app: { client_id: app.clientId, name: app.name },
    device: { kind: device.kind, platform: device.platform, new: device.new },
    session: {
      amr: session.amr,
      age_seconds: session.authTime === null ? 0 : Math.max(0, Math.floor((sources.now - session.authTime) / 1000)),
      dpop_bound: session.dpopBound,
      handed_off: session.handedOff,
    },
    user: { email: user.email, email_verified: user.emailVerified, attributes: user.attributes },
    risk: { failed_attempts: failedAttempts },
    now: new Date(sources.now),
  };
}
