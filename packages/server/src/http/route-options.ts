import type { FastifyRequest } from 'fastify';
import type { Tenant } from '../core/model.js';
import type { Services } from '../core/services.js';
import type { WireFormat } from './errors/wire-format.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The error format of this route; OAuth JSON unless it says otherwise. */
    wire?: WireFormat;
  }
}

export interface RouteDeps {
  services: Services;
  publicUrl: string;
}

/** The tenant named by the first path segment. */
export function tenantOf(services: Services, request: FastifyRequest): Promise<Tenant> {
  return services.tenants.require((request.params as { tenant: string }).tenant);
}

export const nativeAuth = { config: { wire: 'native-auth' as const } };

export const nativeAuthV2 = { config: { wire: 'native-auth-v2' as const } };
