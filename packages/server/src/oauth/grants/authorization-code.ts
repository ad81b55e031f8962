import { BatonError } from '../../core/errors.js';
import { readParams } from '../params.js';
import type { Grant } from './grant.js';

/**
 * `grant_type=authorization_code`: a code from native auth V2's `authorize-challenge` (bound
 * to the flow's PKCE challenge and DPoP key, no redirect URI), or from the browser's
 * authorization endpoint, with its redirect URI and PKCE verifier.
 */
export const authorizationCodeGrant: Grant = {
  type: 'authorization_code',
  async handle(ctx) {
    const p = readParams(['code', 'redirect_uri', 'code_verifier'], ctx.params);
    const firstParty = await ctx.services.authorizeChallenge.redeem(ctx.tenant, ctx.app, {
      code: p.code,
      codeVerifier: p.code_verifier,
      device: ctx.device,
      context: ctx.context,
    });
    if (firstParty) return firstParty;
    // An app without a redirect URI only ever gets codes from authorize-challenge: this one is unknown or used.
    if (ctx.app.redirectUris.length === 0)
      throw new BatonError('invalid_authorization_code', 'The authorization code is invalid, expired or already used');
    return ctx.services.authorization.exchange(ctx.tenant, ctx.app, {
      code: p.code,
      redirectUri: p.redirect_uri,
      codeVerifier: p.code_verifier,
      dpopJkt: ctx.device.dpopJkt ?? null,
      context: ctx.context,
    });
  },
};
