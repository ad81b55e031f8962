import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { mayRedirectTo } from '../../core/apps/redirect-uris.js';
import type { App, Tenant, User } from '../../core/model.js';
import { hintVouchesForLogout, readIdTokenHint, type IdTokenHint } from '../../core/tokens/id-token-hint.js';
import { readParams } from '../../oauth/params.js';
import { formBody, requestContext } from '../request-context.js';
import { tenantOf } from '../route-options.js';
import { html } from './html.js';
import type { WebDeps } from './page-flow.js';
import { choicePage, messagePage } from './pages.js';
import { cookieOptions, securePage, ssoCookie } from './security.js';

/** Where a logout goes back to: a `post_logout_redirect_uri` the app registered (exact match), with its `state`. */
interface ReturnTo {
  client: App | null;
  uri: string | undefined;
  state: string | undefined;
}

/**
 * RP-initiated logout: ends the browser session and every session below it (the web apps
 * signed in through it), clears the cookie, and goes back to the app only to a
 * `post_logout_redirect_uri` it registered (exact match); otherwise shows a signed-out page.
 * Without an `id_token_hint` that vouches for the user signed in, the person is asked
 * first, on a page whose form carries the CSRF token (`/{tenant}/logout/confirm`).
 */
export function logoutRoute(app: FastifyInstance, deps: WebDeps) {
  const { services } = deps;
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const tenant = await tenantOf(services, request);
    const p = readParams(
      ['post_logout_redirect_uri', 'id_token_hint', 'client_id', 'state'],
      request.method === 'POST' ? formBody(request) : request.query,
    );
    const hint =
      p.id_token_hint === undefined
        ? undefined
        : await readIdTokenHint(services.keys, services.tokens, tenant, p.id_token_hint);
    const returnTo = {
      client: await logoutClient(tenant, p.client_id, hint),
      uri: p.post_logout_redirect_uri,
      state: p.state,
    };
    const current = await services.browserSessions.current(tenant, request.cookies[ssoCookie]);
    if (current && hintVouchesForLogout(hint ?? null, current.user, p.client_id))
      return signOut(request, reply, tenant, returnTo);
    // A POST from another site comes without the SSO cookie (SameSite=Lax), so its absence
    // proves nothing there: ask, and the answer, posted from Baton's own page, carries it.
    // A GET without a live session has nothing to sign out.
    if (current || request.method === 'POST')
      return confirmPage(request, reply, tenant, current?.user ?? null, returnTo);
    return signOut(request, reply, tenant, returnTo);
  };

  app.get('/:tenant/oauth2/v2.0/logout', handler);
  app.post('/:tenant/oauth2/v2.0/logout', handler);
  app.post('/:tenant/logout/confirm', async (request, reply) => {
    const tenant = await tenantOf(services, request);
    const p = readParams(['csrf', 'client_id', 'post_logout_redirect_uri', 'state'], formBody(request));
    deps.csrf.verify(request, p.csrf);
    const client = p.client_id ? await services.repos.apps.find(tenant.id, p.client_id) : null;
    return signOut(request, reply, tenant, { client, uri: p.post_logout_redirect_uri, state: p.state });
  });

  /**
   * The app to send the browser back to: the one `client_id` names and the hint was issued
   * to. A hint Baton did not sign, or one issued to another app than `client_id`, sends the
   * browser nowhere (RP-Initiated Logout §2: the OP must check they match).
   */
  async function logoutClient(tenant: Tenant, clientId: string | undefined, hint: IdTokenHint | null | undefined) {
    if (hint === null || (hint !== undefined && clientId !== undefined && hint.clientId !== clientId)) return null;
    const id = clientId ?? hint?.clientId;
    return id ? services.repos.apps.find(tenant.id, id) : null;
  }

  function registered(returnTo: ReturnTo): string | null {
    return returnTo.client && mayRedirectTo(returnTo.client.postLogoutRedirectUris, returnTo.uri) ? returnTo.uri : null;
  }

  /** "Sign out?": the form posts what the request said, so the answer goes back where a vouched-for logout would. */
  function confirmPage(
    request: FastifyRequest,
    reply: FastifyReply,
    tenant: Tenant,
    user: User | null,
    returnTo: ReturnTo,
  ) {
    const back = registered(returnTo);
    const csrf = deps.csrf.token(request, reply, tenant.name, deps.publicUrl);
    const nonce = securePage(reply, back ? [new URL(back).origin] : []);
    return reply.send(
      choicePage({
        tenant,
        nonce,
        title: 'Sign out?',
        body: html`<p>${user ? html`You are signed in as <strong>${user.email}</strong>.` : html`Sign out of ${tenant.displayName} in this browser?`}</p>
<p>Signing out ends your sign-in in this browser and in the apps you opened with it. If you did not ask to sign out, close this page: you stay signed in.</p>`,
        confirm: {
          action: `/${tenant.name}/logout/confirm`,
          label: 'Sign out',
          hidden: {
            csrf,
            client_id: back ? returnTo.client?.clientId : undefined,
            post_logout_redirect_uri: back ?? undefined,
            state: back ? returnTo.state : undefined,
          },
        },
      }),
    );
  }

  async function signOut(request: FastifyRequest, reply: FastifyReply, tenant: Tenant, returnTo: ReturnTo) {
    const cookie = request.cookies[ssoCookie];
    await services.browserSessions.end(tenant, cookie, requestContext(request));
    // Only a cookie the request carried is cleared: a request that came without it must not end it either.
    if (cookie) reply.clearCookie(ssoCookie, cookieOptions(tenant.name, deps.publicUrl));
    const back = registered(returnTo);
    if (back) {
      const target = new URL(back);
      if (returnTo.state) target.searchParams.set('state', returnTo.state);
      return reply.redirect(target.toString(), 303);
    }
    const nonce = securePage(reply);
    const message = returnTo.uri
      ? 'You are signed out. The page that sent you here is not registered to receive you back, so you stay here.'
      : 'You are signed out.';
    return reply.send(messagePage(tenant, nonce, 'Signed out', message));
  }
}
