import { authorizationCodeTtl } from '../browser/authorization.js';
import { BatonError } from '../errors.js';
import type { App, Tenant, User } from '../model.js';
import { verifierMatches } from '../tokens/pkce.js';
import type { Continuation, ContinuationTokens } from './continuation-tokens.js';
import type { Proof } from './proofs.js';
import type { CodeIssued, CodeRequest } from './steps.js';

/** What a code carries from the sign-in that earned it to the token request that redeems it. */
export interface CodeState {
  proofs: Proof[];
  capabilities: string[];
  codeRequest: CodeRequest;
}

/**
 * The authorization codes native auth V2 (`authorize-challenge`) ends in. They live in the
 * continuation store (digests, expiry, one atomic use on every instance) as their own flow,
 * bound to the tenant, the client and the account, for `authorizationCodeTtl` seconds; and
 * to the PKCE challenge and DPoP key of the request that began the flow, if it sent them.
 */
export class ChallengeCodes {
  constructor(private readonly continuations: ContinuationTokens) {}

  async issue(tenant: Tenant, app: App, user: User, state: CodeState): Promise<CodeIssued> {
    const code = await this.continuations.issue(
      tenant,
      app,
      'authorization-code',
      user.id,
      state,
      authorizationCodeTtl,
    );
    return { kind: 'authorization_code', code };
  }

  /** Whether `code` is one of these, rather than a code of the browser's authorization endpoint. */
  isOne(code: string): Promise<boolean> {
    return this.continuations.isOf('authorization-code', code);
  }

  /**
   * Uses a code once, after checking it is this client's, the PKCE verifier (required when
   * the flow sent a challenge, refused when it did not) and the DPoP key it is bound to.
   * Answers the key what is issued must be bound to: the flow's, else this request's.
   */
  async redeem(
    tenant: Tenant,
    app: App,
    input: { code: string; codeVerifier: string | undefined; dpopJkt: string | null },
  ): Promise<{ continuation: Continuation<CodeState>; dpopJkt: string | null }> {
    const invalid = (description: string) => new BatonError('invalid_authorization_code', description);
    const continuation = await this.continuations
      .read<CodeState>(tenant, app, ['authorization-code'], input.code)
      .catch((error: unknown) => {
        throw error instanceof BatonError ? invalid('The authorization code is invalid or has expired') : error;
      });
    const { codeChallenge, dpopJkt } = continuation.state.codeRequest;
    if (codeChallenge === null && input.codeVerifier !== undefined)
      throw invalid('code_verifier was sent but the flow sent no code_challenge (PKCE)');
    if (codeChallenge !== null && !verifierMatches(input.codeVerifier, codeChallenge))
      throw invalid('code_verifier is missing or does not match the code_challenge (PKCE)');
    if (dpopJkt !== null && input.dpopJkt !== dpopJkt)
      throw new BatonError('dpop_binding_mismatch', 'The code is bound to a DPoP key: send a proof made with it');
    if (!(await this.continuations.consume(continuation)))
      throw new BatonError('authorization_code_reused', 'The authorization code was already used');
    return { continuation, dpopJkt: dpopJkt ?? input.dpopJkt };
  }
}
