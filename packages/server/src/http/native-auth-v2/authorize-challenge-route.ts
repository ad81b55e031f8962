import type { FastifyInstance } from 'fastify';
import { BatonError } from '../../core/errors.js';
import { readParams } from '../../oauth/params.js';
import { clientCredentials } from '../client-auth.js';
import { dpopKeyOf } from '../dpop.js';
import { clientAddress, deviceHint, formBody, requestContext } from '../request-context.js';
import { nativeAuthV2, tenantOf, type RouteDeps } from '../route-options.js';
import { v2Paths } from './links.js';

/**
 * `POST {tenant}/oauth2/v2.0/authorize-challenge`, a form. With `client_id` it is the
 * entry: a continuation token and the links of the three journeys. With only
 * `continuation_token` (a proved flow's, from `_links.continue`) it is the finish: `{code}`.
 */
export function authorizeChallengeRoute(app: FastifyInstance, { services, publicUrl }: RouteDeps) {
  app.post('/:tenant/oauth2/v2.0/authorize-challenge', nativeAuthV2, async (request) => {
    const tenant = await tenantOf(services, request);
    const body = formBody(request);
    const p = readParams(
      ['client_id', 'client_secret', 'continuation_token', 'scope', 'code_challenge', 'code_challenge_method'],
      body,
    );
    if (p.continuation_token !== undefined) {
      if (p.client_id !== undefined)
        throw new BatonError('malformed_request', 'The finishing call sends continuation_token alone, no client_id');
      const { code } = await services.authorizeChallenge.finish(tenant, {
        continuationToken: p.continuation_token,
        device: deviceHint(request),
        context: requestContext(request),
      });
      return { code };
    }
    const client = await services.apps.authenticate(tenant, clientCredentials(request, p));
    const continuationToken = await services.authorizeChallenge.enter(tenant, client, {
      scope: p.scope,
      codeChallenge: p.code_challenge,
      codeChallengeMethod: p.code_challenge_method,
      dpopJkt: await dpopKeyOf(services, request, publicUrl),
      client: clientAddress(request),
    });
    const paths = v2Paths(tenant);
    return {
      continuation_token: continuationToken,
      sign_in: paths.signIn,
      sign_up: paths.signUp,
      reset_password: paths.resetPassword,
    };
  });
}
