import type { FastifyRequest } from 'fastify';
import { type AccountHolder, accountHolderOf } from '../../core/account/account-holder.js';
import type { Tenant } from '../../core/model.js';
import type { Services } from '../../core/services.js';
import { presentedAccessToken } from '../access-token.js';
import { requestContext } from '../request-context.js';
import { tenantOf } from '../route-options.js';

/**
 * The tenant and the account holder of an account API request: a user's access token
 * (Bearer, or DPoP with its proof) whose session is still live and which carries
 * `baton.account`.
 */
export async function accountHolderOfRequest(
  services: Services,
  request: FastifyRequest,
  publicUrl: string,
): Promise<{ tenant: Tenant; holder: AccountHolder }> {
  const tenant = await tenantOf(services, request);
  const claims = await presentedAccessToken(services, request, tenant, publicUrl);
  return { tenant, holder: accountHolderOf(claims, requestContext(request)) };
}
