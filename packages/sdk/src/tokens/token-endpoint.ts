import type { SdkContext } from '../context.js';
import type { DpopSigner } from '../dpop/dpop-proof.js';
import type { Answer, Params } from '../http/form-client.js';

export const tokenPath = 'oauth2/v2.0/token';

/**
 * A request to the token endpoint, whatever the grant: with the scope, `client_info`,
 * this installation's device parameters and, when a signer is given, a fresh DPoP proof.
 */
export async function postToken(ctx: SdkContext, params: Params, dpop: DpopSigner | null = null): Promise<Answer> {
  const headers = dpop ? { dpop: await dpop.proof({ method: 'POST', url: ctx.http.url(tokenPath) }) } : undefined;
  return ctx.http.post(
    tokenPath,
    { scope: ctx.scope, client_info: '1', ...params, ...(await ctx.deviceParams()) },
    headers,
  );
}
