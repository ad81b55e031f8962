import { grantTypes, tokenTypes } from '@baton/protocol';
import type { SdkContext } from '../context.js';
import type { Params } from '../http/form-client.js';

/**
 * Puts what a token answer brought into the group's shared-device store: the device secret
 * with the ID token that carries its `ds_hash`. An answer without a device secret (no
 * `device_sso`, or no shared store configured) changes nothing.
 */
export async function shareDeviceSso(ctx: SdkContext, body: Record<string, unknown>): Promise<void> {
  const { device_secret: deviceSecret, id_token: idToken } = body;
  if (!ctx.sharedDevice || typeof deviceSecret !== 'string' || typeof idToken !== 'string') return;
  await ctx.sharedDevice.write({ idToken, deviceSecret });
}

/** `device_secret` for a refresh, so the server keeps the group's secret rather than rotating it. */
export async function deviceSecretParams(ctx: SdkContext): Promise<Params> {
  const pair = await ctx.sharedDevice?.read();
  return pair ? { device_secret: pair.deviceSecret } : {};
}

/** The Native SSO exchange's parameters for the shared pair: the ID token as subject, the device secret as actor. */
export function deviceSsoExchangeParams(ctx: SdkContext, pair: { idToken: string; deviceSecret: string }): Params {
  return {
    grant_type: grantTypes.tokenExchange,
    subject_token: pair.idToken,
    subject_token_type: tokenTypes.idToken,
    actor_token: pair.deviceSecret,
    actor_token_type: tokenTypes.deviceSecret,
    // Baton's issuer is the tenant base's `v2.0`.
    audience: `${ctx.config.baseUrl.replace(/\/+$/, '')}/v2.0`,
  };
}
