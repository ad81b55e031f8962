import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthorizationRequest } from '../../core/browser/authorization.js';
import { BatonError } from '../../core/errors.js';
import type { App, ClientAddress, Session, Tenant } from '../../core/model.js';
import { maskEmail } from '../../core/otp/one-time-codes.js';
import type { Services } from '../../core/services.js';
import { readParams } from '../../oauth/params.js';
import { clientAddress, formBody } from '../request-context.js';
import { tenantOf } from '../route-options.js';
import type { PageTenant } from './layout.js';
import { messagePage } from './pages.js';
import { cookieOptions, type Csrf, securePage, ssoCookie } from './security.js';

/** What every hosted-page step knows: whose page, which authorization request, the CSRF token. */
export interface PageContext {
  tenant: Tenant;
  app: App;
  request: AuthorizationRequest;
  /** The browser's address (as BATON_TRUST_PROXY lets Baton see it) and the peer's, for the throttles. */
  client: ClientAddress;
  /** Continuation token of the authorization request, carried in every form. */
  requestToken: string;
  csrfToken: string;
  /** Hidden fields every form of this request carries. */
  hidden: { csrf: string; request: string };
  nonce: string;
  body: Record<string, unknown>;
}

export interface WebDeps {
  services: Services;
  publicUrl: string;
  csrf: Csrf;
}

/** Opens a form post: CSRF checked, authorization request loaded, page headers set. */
export async function pageStep(deps: WebDeps, request: FastifyRequest, reply: FastifyReply): Promise<PageContext> {
  const tenant = await tenantOf(deps.services, request);
  const body = formBody(request);
  const p = readParams(['csrf', 'request'], body);
  deps.csrf.verify(request, p.csrf);
  const flow = await deps.services.continuations.readAnyClient<AuthorizationRequest>(tenant, ['authorize'], p.request);
  const app = await deps.services.repos.apps.find(tenant.id, flow.record.clientId);
  if (!app) throw new BatonError('unknown_client', 'The application is unknown');
  const csrfToken = deps.csrf.token(request, reply, tenant.name, deps.publicUrl);
  return {
    tenant,
    app,
    request: flow.state,
    client: clientAddress(request),
    requestToken: flow.token,
    csrfToken,
    body,
    hidden: { csrf: csrfToken, request: flow.token },
    nonce: securePage(reply, [new URL(flow.state.redirectUri).origin]),
  };
}

/** Ends a sign-in at the hosted pages: the SSO cookie is set and the browser goes back to the app with a code. */
export async function finishAuthorization(
  deps: WebDeps,
  reply: FastifyReply,
  tenant: Tenant,
  request: AuthorizationRequest,
  browser: { session: Session; cookie?: string },
) {
  if (browser.cookie) reply.setCookie(ssoCookie, browser.cookie, cookieOptions(tenant.name, deps.publicUrl));
  const code = await deps.services.authorization.issueCode(tenant, request, browser.session);
  return reply.redirect(
    redirectTo(request.redirectUri, { code, state: request.state, iss: deps.services.tokens.issuer(tenant) }),
    303,
  );
}

/** An error the app should see, sent to its redirect URI (RFC 6749 §4.1.2.1). */
export function redirectError(
  reply: FastifyReply,
  request: Pick<AuthorizationRequest, 'redirectUri' | 'state'>,
  error: string,
  description: string,
  iss: string,
) {
  return reply.redirect(
    redirectTo(request.redirectUri, { error, error_description: description, state: request.state, iss }),
    303,
  );
}

/** A page for errors that cannot go back to the app (unknown client, bad redirect URI, expired request). */
export function errorPage(reply: FastifyReply, tenant: PageTenant, status: number, message: string) {
  const nonce = securePage(reply);
  return reply.code(status).send(messagePage(tenant, nonce, 'Something went wrong', message, 'alert'));
}

function redirectTo(uri: string, params: Record<string, string | undefined>): string {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

/** Where the code went, shown again after a wrong one: the masked address the form carries, as the first showing had it. */
export function sentToAgain(email: string | undefined): string {
  return email ? maskEmail(email) : 'your email address';
}
