import { readParams } from '../params.js';
import type { Grant } from './grant.js';

/** `grant_type=authorization_code`: a code from the authorization endpoint, with its PKCE verifier. */
export const authorizationCodeGrant: Grant = {
  type: 'authorization_code',
  refuse: (app) => (app.redirectUris.length > 0 ? null : 'This app has no redirect URI registered (--redirect-uri)'),
  async handle(ctx) {
    const p = readParams(['code', 'redirect_uri', 'code_verifier'], ctx.params);
    return ctx.services.authorization.exchange(ctx.tenant, ctx.app, {
      code: p.code,
      redirectUri: p.redirect_uri,
      codeVerifier: p.code_verifier,
      dpopJkt: ctx.device.dpopJkt ?? null,
      context: ctx.context,
    });
  },
};
