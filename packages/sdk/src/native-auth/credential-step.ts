import type { Params } from '../http/form-client.js';
import { errorFromAnswer, redirectFrom } from '../http/wire-errors.js';
import { postToken } from '../tokens/token-endpoint.js';
import { continuationOf, post, type FlowContext } from './flow.js';
import {
  MfaRequired,
  RegistrationRequired,
  mfaMethodsOf,
  type CredentialResult,
  type MfaContext,
} from './mfa-states.js';
import { SignedIn } from './signed-in.js';

/**
 * A `/token` call with a first- or second-factor credential. Tokens sign the user in;
 * `mfa_required` and `registration_required` lead to the MFA states; other errors are
 * the step's typed result.
 */
export async function credentialToken(ctx: FlowContext, params: Params): Promise<CredentialResult> {
  const answer = await postToken(ctx, params);
  const redirect = redirectFrom(answer);
  if (redirect) return redirect;
  if (answer.ok) return new SignedIn(await ctx.openAccount(answer.body));
  const suberror = answer.body.suberror;
  if (
    (suberror === 'mfa_required' || suberror === 'registration_required') &&
    typeof answer.body.continuation_token === 'string'
  ) {
    const path = suberror === 'mfa_required' ? 'oauth2/v2.0/introspect' : 'register/v1.0/introspect';
    const body = await post(ctx, path, { continuation_token: answer.body.continuation_token });
    // The MFA states end in this same step; handing it to them keeps the two modules from importing each other.
    const mfaContext: MfaContext = { ...ctx, credentialToken: (next) => credentialToken(ctx, next) };
    const State = suberror === 'mfa_required' ? MfaRequired : RegistrationRequired;
    return new State(mfaContext, continuationOf(body), mfaMethodsOf(body));
  }
  return errorFromAnswer(answer);
}
