import type { FastifyRequest } from 'fastify';
import { decodeJwt } from 'jose';
import type { AdminCaller } from '../../core/audit/admin-caller.js';
import { BatonError } from '../../core/errors.js';
import type { AdminLevel, Tenant } from '../../core/model.js';
import type { Services } from '../../core/services.js';
import { safeEqual } from '../../crypto/digest.js';
import { requestContext } from '../request-context.js';

/**
 * Who calls the management API: the operator (BATON_ADMIN_TOKEN: every tenant, and the
 * only one that may create tenants), or an app created with `--admin`, through its own
 * `client_credentials` token, in its own tenant only.
 */
export type ApiCaller =
  | { kind: 'operator'; level: 'write' }
  | { kind: 'app'; level: AdminLevel; tenant: Tenant; clientId: string };

/** What a route needs of its caller: reading, changing, or being the operator. */
export type AdminAccess = 'read' | 'write' | 'operator';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What a management API route needs of its caller. */
    adminAccess?: AdminAccess;
  }
  interface FastifyRequest {
    /** The management API's authenticated caller (set before the route runs). */
    apiCaller: ApiCaller | null;
  }
}

const invalidToken = () => new BatonError('invalid_access_token', 'The bearer token is invalid or expired');

/**
 * The caller an `Authorization: Bearer` header names. The operator token is compared in
 * constant time; anything else must be an access token Baton issued by `client_credentials`
 * to an app whose admin level is read at this request, so a changed app takes effect at once.
 */
export async function authenticateCaller(
  services: Services,
  adminToken: string | undefined,
  header: string | undefined,
): Promise<ApiCaller> {
  const token = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header ?? '')?.[1];
  if (!token)
    throw new BatonError(
      'admin_credentials_required',
      'Send "Authorization: Bearer <token>": BATON_ADMIN_TOKEN, or a client_credentials access token of an app created with --admin',
    );
  if (adminToken !== undefined && safeEqual(token, adminToken)) return { kind: 'operator', level: 'write' };
  const tenant = await tenantOfToken(services, token);
  const claims = await services.accessTokens.verify(tenant, token);
  if (claims.cnf)
    throw new BatonError(
      'invalid_access_token',
      'The management API takes Bearer tokens; ask client_credentials for one without a DPoP proof',
    );
  if (claims.sub !== claims.client_id)
    throw new BatonError(
      'admin_access_denied',
      "A user's token has no management access; use an app's client_credentials token",
    );
  const app = await services.repos.apps.find(tenant.id, claims.client_id);
  if (!app?.admin) throw new BatonError('admin_access_denied', 'This app was not created with --admin read|write');
  return { kind: 'app', level: app.admin, tenant, clientId: app.clientId };
}

/** The tenant a token says it is from (`tid`); its signature is checked against that tenant's keys next. */
async function tenantOfToken(services: Services, token: string): Promise<Tenant> {
  let tid: unknown;
  try {
    tid = decodeJwt(token).tid;
  } catch {
    throw invalidToken();
  }
  const tenant = typeof tid === 'string' ? await services.repos.tenants.findById(tid) : null;
  if (!tenant) throw invalidToken();
  return tenant;
}

/**
 * Whether the caller may make this request. An app asking about another tenant gets the
 * answer a tenant that does not exist gets (404), so it learns nothing about the others;
 * within its tenant, a read-only app that asks to change something is refused (403).
 */
export function checkAccess(caller: ApiCaller, access: AdminAccess, tenantName: string | undefined): void {
  if (caller.kind === 'app' && tenantName !== undefined && tenantName !== caller.tenant.name)
    throw new BatonError('unknown_tenant', `Tenant "${tenantName}" not found`);
  if (access === 'operator' && caller.kind !== 'operator')
    throw new BatonError('admin_access_denied', 'Only BATON_ADMIN_TOKEN may do this');
  if (access === 'write' && caller.level !== 'write')
    throw new BatonError('admin_access_denied', 'This app has read-only management access (--admin read)');
}

/**
 * The caller as the services record it (`data.actor` of every change): `operator` for
 * BATON_ADMIN_TOKEN, `app:<client_id>` for an app's token, with where the request came from.
 */
export function adminCallerOf(request: FastifyRequest): AdminCaller {
  const caller = request.apiCaller;
  return {
    actor: caller?.kind === 'app' ? `app:${caller.clientId}` : 'operator',
    context: requestContext(request),
  };
}

/** Route configs: the problem details format, and what the route needs of its caller. */
export const forReaders = { wire: 'problem', adminAccess: 'read' } as const;
export const forWriters = { wire: 'problem', adminAccess: 'write' } as const;
export const forOperator = { wire: 'problem', adminAccess: 'operator' } as const;
