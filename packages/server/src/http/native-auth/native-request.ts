import type { FastifyRequest } from 'fastify';
import type { App, Tenant } from '../../core/model.js';
import type { Services } from '../../core/services.js';
import { readParams } from '../../oauth/params.js';
import { clientCredentials } from '../client-auth.js';
import { formBody } from '../request-context.js';
import { tenantOf } from '../route-options.js';

/** The common start of every native-auth endpoint: tenant, form parameters, authenticated app. */
export async function nativeRequest<const N extends string>(
  services: Services,
  request: FastifyRequest,
  names: readonly N[],
): Promise<{
  tenant: Tenant;
  app: App;
  p: { [K in N]?: string };
}> {
  const tenant = await tenantOf(services, request);
  const body = formBody(request);
  const auth = readParams(['client_id', 'client_secret'], body);
  const p = readParams(names, body);
  const app = await services.apps.authenticate(tenant, clientCredentials(request, auth));
  return { tenant, app, p };
}
