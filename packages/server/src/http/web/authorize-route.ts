import type { FastifyInstance } from 'fastify';
import type { AuthorizationParams } from '../../core/browser/authorization.js';
import type { Session } from '../../core/model.js';
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
 * The authorization endpoint (code + PKCE). A live SSO cookie answers at once; a valid
 * session transfer token signs the browser in as a child of the app's session, after
 * asking when the browser is signed in as another user; otherwise the sign-in page.
 * Errors about the client or redirect URI are shown on a page; the rest go back to the app.
 */
export function authorizeRoute(app: FastifyInstance, deps: WebDeps) {
  const { services } = deps;
  app.get('/:tenant/oauth2/v2.0/authorize', async (request, reply) => {
    const tenant = await tenantOf(services, request);
    const iss = services.tokens.issuer(tenant);
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
    let authorization: ReturnType<typeof services.authorization.parse>;
    try {
      authorization = services.authorization.parse(client.app, client.redirectUri, params);
    } catch (error) {
      if (error instanceof BatonError)
        return redirectError(
          reply,
          { redirectUri: client.redirectUri, state: params.state },
          oauthCode(error),
          error.description,
          iss,
        );
      throw error;
    }
    const context = requestContext(request);
    // prompt=login, max_age and the app's MFA requirement may each ask for a new sign-in.
    const accept = (session: Session) => services.authorization.accepts(authorization, client.app, session);
    // The hosted pages that follow carry the request and the CSRF token in every form.
    const showPage = async (page: (p: { nonce: string; hidden: { csrf: string; request: string } }) => string) => {
      const requestToken = await services.authorization.awaitSignIn(
        tenant,
        client.app,
        authorization,
        clientAddress(request),
      );
      const csrf = deps.csrf.token(request, reply, tenant.name, deps.publicUrl);
      const nonce = securePage(reply, [new URL(authorization.redirectUri).origin]);
      return reply.send(page({ nonce, hidden: { csrf, request: requestToken } }));
    };
    if (authorization.prompt !== 'login') {
      const current = await services.browserSessions.current(tenant, request.cookies[ssoCookie]);
      const transferToken = params.session_transfer_token;
      if (transferToken) {
        const outcome = await services.browserSessions.fromTransfer(tenant, client.app, transferToken, {
          signedIn: current?.user ?? null,
          userAgent: context.userAgent,
          accept,
          context,
        });
        if (outcome.kind === 'browser') return finishAuthorization(deps, reply, tenant, authorization, outcome);
        if (outcome.kind === 'switch_account') {
          if (authorization.prompt === 'none')
            return redirectError(
              reply,
              authorization,
              'account_selection_required',
              'Another user is signed in in this browser',
              iss,
            );
          return showPage((p) =>
            switchAccountPage({
              tenant,
              app: client.app,
              ...p,
              signedIn: outcome.signedIn,
              arriving: outcome.arriving,
              transferToken,
            }),
          );
        }
      } else if (current && accept(current.session)) {
        return finishAuthorization(deps, reply, tenant, authorization, current);
      }
    }
    if (authorization.prompt === 'none')
      return redirectError(reply, authorization, 'login_required', 'The user is not signed in', iss);
    return showPage((p) => identifyPage({ tenant, app: client.app, ...p, email: authorization.loginHint }));
  });
}
