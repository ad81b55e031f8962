import { grantedAppScope, parseScope } from '../../core/tokens/scopes.js';
import { readParams } from '../params.js';
import type { Grant } from './grant.js';

/** `grant_type=client_credentials`: an app-only access token for a confidential app. */
export const clientCredentialsGrant: Grant = {
  type: 'client_credentials',
  refuse: (app) => (app.type === 'confidential' ? null : 'client_credentials needs a confidential app'),
  async handle({ services, tenant, app, params, device }) {
    const p = readParams(['scope'], params);
    return services.tokens.issue({
      tenant,
      app,
      scope: grantedAppScope(app.scopes, parseScope(p.scope)),
      proofKey: device.dpopJkt ?? null,
    });
  },
};
