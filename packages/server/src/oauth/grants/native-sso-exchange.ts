import { tokenTypes } from '@baton/protocol';
import { BatonError } from '../../core/errors.js';
import { parseScope } from '../../core/tokens/scopes.js';
import type { Exchanged, GrantContext } from './grant.js';

/**
 * The token exchange of OpenID Connect Native SSO 1.0 (§4): an ID token a sibling app got
 * (`subject_token`) and the device secret (`actor_token`) for a token set of a new session
 * of the requesting app on the same device (core/device-sso). The device secret comes back
 * with it, unchanged.
 */
export async function nativeSsoExchange(
  ctx: GrantContext,
  p: { subject_token: string } & Partial<Record<'actor_token' | 'actor_token_type' | 'audience' | 'scope', string>>,
): Promise<Exchanged> {
  if (p.actor_token_type !== tokenTypes.deviceSecret || !p.actor_token)
    throw new BatonError(
      'malformed_request',
      `An ID token is exchanged with the device secret: actor_token and actor_token_type ${tokenTypes.deviceSecret}`,
    );
  const issuer = ctx.services.tokens.issuer(ctx.tenant);
  if (p.audience !== issuer) throw new BatonError('malformed_request', `audience must be the issuer, ${issuer}`);
  const active = await ctx.services.nativeSso.exchange(ctx.tenant, ctx.app, {
    idToken: p.subject_token,
    deviceSecret: p.actor_token,
    scope: parseScope(p.scope),
    dpopJkt: ctx.device.dpopJkt ?? null,
    context: ctx.context,
  });
  const tokens = await ctx.services.tokens.issue({
    tenant: ctx.tenant,
    app: ctx.app,
    session: active,
    deviceSecret: p.actor_token,
  });
  return { kind: 'exchanged_tokens', tokens };
}
