import { parseScope } from '../../core/tokens/scopes.js';
import { BatonError } from '../../core/errors.js';
import { readParams } from '../params.js';
import type { Grant } from './grant.js';

/** `grant_type=refresh_token`: rotates the token (see core/sessions/session-service.ts). */
export const refreshTokenGrant: Grant = {
  type: 'refresh_token',
  async handle({ services, tenant, app, params, context, device }) {
    const p = readParams(['refresh_token', 'scope', 'device_secret'], params);
    if (!p.refresh_token) throw new BatonError('malformed_request', 'refresh_token is required');
    const active = await services.sessions.refresh({
      tenant,
      app,
      presented: p.refresh_token,
      requestedScope: parseScope(p.scope),
      dpopJkt: device.dpopJkt ?? null,
      installationId: device.installationId ?? undefined,
      context,
    });
    return services.tokens.issue({ tenant, app, session: active, deviceSecret: p.device_secret });
  },
};
