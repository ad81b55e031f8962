import type { FastifyInstance } from 'fastify';
import type { AuthorizationParams, AuthorizationRequest } from '../../core/browser/authorization.js';
import { BatonError } from '../../core/errors.js';
import { readParams } from '../../oauth/params.js';
import { oauthCode } from '../errors/oauth-error.js';
import { clientAddress, requestContext } from '../request-context.js';
import { tenantOf } from '../route-options.js';
import { errorPage, finishAuthorization, redirectError, type WebDeps } from './page-flow.js';
import { identifyPage } from './sign-in-pages.js';
import { securePage, ssoCookie } from './security.js';
import { switchAccountPage } from './switch-account.js';

const authorizeParams = [
  'client_id',
  'redirect_uri',
  'response_type',
  'scope',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
  'prompt',
  'max_age',
  'login_hint',
  'session_transfer_token',
  'response_mode',
];

/**
 * The authorization endpoint (code + PKCE): reads the request and shows what the domain
 * decided (core/browser/authorize-decision.ts): back to the app with a code, "Switch
 * account?", or the sign-in page. Errors about the client or redirect URI are shown on a
 * page; the rest (prompt=none's among them) go back to the app.
 */
export function authorizeRoute(app: FastifyInstance, deps: WebDeps) {
  const { services } = deps;
  app.get('/:tenant/oauth2/v2.0/authorize', async (request, reply) => {
    const tenant = await tenantOf(services, request);
    let params: AuthorizationParams & { session_transfer_token?: string | undefined };
    let client: Awaited<ReturnType<typeof services.authorization.client>>;
    try {
      params = readParams(authorizeParams, request.query);
      client = await services.authorization.client(tenant, params);
    } catch (error) {
      if (error instanceof BatonError)
        return errorPage(reply, tenant, 400, `This sign-in link is not valid: ${error.description}.`);
      throw error;
    }
    // An error the app should see goes to its redirect URI (RFC 6749 §4.1.2.1).
    const backToApp = (error: BatonError) =>
      redirectError(
        reply,
        { redirectUri: client.redirectUri, state: params.state },
        oauthCode(error),
        error.description,
        services.tokens.issuer(tenant),
      );
    let authorization: AuthorizationRequest;
    try {
      authorization = services.authorization.parse(client.app, client.redirectUri, params);
    } catch (error) {
      if (error instanceof BatonError) return backToApp(error);
      throw error;
    }
    const decision = await services.authorizeDecisions.decide(tenant, client.app, authorization, {
      ssoCookie: request.cookies[ssoCookie],
      transferToken: params.session_transfer_token,
      context: requestContext(request),
    });
    if (decision.kind === 'refused') return backToApp(decision.error);
    if (decision.kind === 'signed_in') return finishAuthorization(deps, reply, tenant, authorization, decision.browser);
    // The hosted pages that follow carry the request and the CSRF token in every form.
    const requestToken = await services.authorization.awaitSignIn(
      tenant,
      client.app,
      authorization,
      clientAddress(request),
    );
    const hidden = { csrf: deps.csrf.token(request, reply, tenant.name, deps.publicUrl), request: requestToken };
    const nonce = securePage(reply, [new URL(authorization.redirectUri).origin]);
    if (decision.kind === 'switch_account') {
      const { signedIn, arriving, transferToken } = decision;
      return reply.send(
        switchAccountPage({ tenant, app: client.app, nonce, hidden, signedIn, arriving, transferToken }),
      );
    }
    return reply.send(identifyPage({ tenant, app: client.app, nonce, hidden, email: authorization.loginHint }));
  });
}
