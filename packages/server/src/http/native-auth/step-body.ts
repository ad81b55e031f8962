import type { MethodView } from '../../core/flows/mfa.js';
import type { Redirect, StepResult } from '../../core/flows/steps.js';

/** Entra's `challenge_type: redirect` answer (HTTP 200: MSAL turns it into RedirectError). */
export const redirectBody = (r: Redirect) => ({ challenge_type: 'redirect', redirect_reason: r.reason });

/** A step's answer in Entra's shape: continuation token, challenge type and, for a code, where it went. */
export function stepBody(result: StepResult) {
  if (result.kind === 'redirect') return redirectBody(result);
  const code = result.code;
  return {
    ...(result.challengeType ? { challenge_type: result.challengeType } : {}),
    ...(code
      ? {
          binding_method: 'prompt',
          challenge_channel: code.channel,
          ...(code.targetLabel !== undefined ? { challenge_target_label: code.targetLabel } : {}),
          ...(code.target !== undefined ? { challenge_target: code.target } : {}),
          code_length: code.codeLength,
          interval: code.interval,
        }
      : {}),
    continuation_token: result.continuationToken,
  };
}

/**
 * A second-factor method as `introspect` lists it: an `oob` method, its channel (`email`,
 * `sms`) and the address or number it shows; a phone to register shows none.
 */
export const methodBody = (m: MethodView) => ({
  id: m.id,
  challenge_type: 'oob',
  challenge_channel: m.channel,
  ...(m.label ? { login_hint: m.label } : {}),
});
