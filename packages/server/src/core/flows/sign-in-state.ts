import type { App, Tenant, User } from '../model.js';
import type { ContinuationTokens } from './continuation-tokens.js';
import type { Proof } from './proofs.js';
import type { CodeRequest } from './steps.js';

/**
 * Sign-in state carried by continuation tokens. `continuation` is the hand-over from a
 * finished sign-up, password reset or method registration (or, in native auth V2, a proved
 * sign-in) to `grant_type=continuation_token`, or to the finishing `authorize-challenge`.
 */
export interface SignInState {
  flowId: string;
  stage: 'initiated' | 'password' | 'oob' | 'continuation';
  capabilities: string[];
  /** What the finished flow proved, for `continuation`. */
  proofs?: Proof[];
  /** The authorize-challenge request the flow began with (native auth V2): it ends in a code. */
  codeRequest?: CodeRequest;
}

/** Hands a finished flow over to the sign-in that issues its tokens (or, V2, its code). */
export function handOverToSignIn(
  continuations: ContinuationTokens,
  tenant: Tenant,
  app: App,
  user: User,
  state: Omit<SignInState, 'stage'>,
): Promise<string> {
  return continuations.issue(tenant, app, 'sign-in', user.id, { ...state, stage: 'continuation' });
}
