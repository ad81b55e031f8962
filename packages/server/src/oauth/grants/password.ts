import { parseScope } from '../../core/tokens/scopes.js';
import { param, readParams } from '../params.js';
import type { Grant } from './grant.js';

/** Native-auth password sign-in: `continuation_token` from `/challenge` plus the password. */
export const passwordGrant: Grant = {
  type: 'password',
  refuse: (app) => (app.challengeTypes.includes('password') ? null : 'This app does not allow password sign-in'),
  async handle({ services, tenant, app, params, context, device }) {
    const p = readParams({ continuation_token: param().optional(), password: param().optional(), scope: param().optional() }, params);
    return services.nativeSignIn.signInWithPassword(tenant, app, {
      continuationToken: p.continuation_token, password: p.password, scope: parseScope(p.scope), device, context,
    });
  },
};
