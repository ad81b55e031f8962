import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { App, Tenant } from '../../core/model.js';
import type { Services } from '../../core/services.js';
import { param, readParams } from '../../oauth/params.js';
import { clientCredentials } from '../client-auth.js';
import { formBody } from '../request-context.js';
import { tenantOf } from '../route-options.js';

/** The common start of every native-auth endpoint: tenant, form parameters, authenticated app. */
export async function nativeRequest<S extends z.ZodRawShape>(services: Services, request: FastifyRequest, shape: S): Promise<{
  tenant: Tenant; app: App; p: z.infer<z.ZodObject<S>>;
}> {
  const tenant = await tenantOf(services, request);
  const body = formBody(request);
  const auth = readParams({ client_id: param().optional(), client_secret: param().optional() }, body);
  const p = readParams(shape, body);
  const app = await services.apps.authenticate(tenant, clientCredentials(request, auth));
  return { tenant, app, p };
}
