import { grantTypes } from '@baton/protocol';
import { BatonError } from '../../core/errors.js';
import { readParams } from '../params.js';
import type { Grant } from './grant.js';

/**
 * RFC 8628 §3.4: a device polls with its device code until the user has decided; an
 * approved code is traded once for tokens of a session that is the approving session's child.
 */
export const deviceCodeGrant: Grant = {
  type: grantTypes.deviceCode,
  refuse: (app) =>
    app.deviceCode ? null : 'The device authorization grant needs an app registered with --device-code',
  async handle({ services, tenant, app, params, device, context }) {
    const p = readParams(['device_code'], params);
    if (!p.device_code) throw new BatonError('malformed_request', 'device_code is required');
    const active = await services.deviceAuthorizations.redeem(tenant, app, {
      deviceCode: p.device_code,
      dpopJkt: device.dpopJkt ?? null,
      context,
    });
    return services.tokens.issue({ tenant, app, session: active });
  },
};
