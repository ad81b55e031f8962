import type { FastifyRequest } from 'fastify';
import { BatonError } from '../../core/errors.js';
import type { App, Tenant } from '../../core/model.js';
import type { Services } from '../../core/services.js';
import { readParams } from '../../oauth/params.js';
import { tenantOf } from '../route-options.js';
import { v2Paths, type V2Paths } from './links.js';

/** A V2 client handles the second factor and method registration itself: the engine may stop at either step. */
export const v2Capabilities = 'mfa_required registration_required';

/** The JSON object a V2 link call sends; anything else (a form, an array, text) is refused. */
export function jsonBody(request: FastifyRequest): Record<string, unknown> {
  const type = request.headers['content-type'] ?? '';
  if (!type.toLowerCase().startsWith('application/json'))
    throw new BatonError('malformed_request', 'Send the parameters as an application/json object');
  const body = request.body;
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new BatonError('malformed_request', 'The request body must be a JSON object');
  return body as Record<string, unknown>;
}

/**
 * The common start of every V2 link call: tenant, JSON parameters, and the app, which the
 * continuation token names (link calls carry no client_id: the token binds the flow to its app).
 */
export async function v2Request<const N extends string>(
  services: Services,
  request: FastifyRequest,
  names: readonly N[],
): Promise<{
  tenant: Tenant;
  app: App;
  paths: V2Paths;
  body: Record<string, unknown>;
  p: { [K in N | 'continuationToken']?: string };
}> {
  const tenant = await tenantOf(services, request);
  const body = jsonBody(request);
  const p = readParams([...names, 'continuationToken'] as const, body);
  const app = await services.authorizeChallenge.appOf(tenant, p.continuationToken);
  return { tenant, app, paths: v2Paths(tenant), body, p };
}
