import cookie from '@fastify/cookie';
import formBody from '@fastify/formbody';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import * as oidc from 'openid-client';
import { BearerTokens } from './bearer-token.js';
import { ownDevices } from './devices.js';
import { errorPage, homePage, type Viewer } from './pages.js';
import { RelyingParty, type SignedIn } from './relying-party.js';
import { sessionCookie, sessionCookieOptions, Sessions } from './sessions.js';

export interface WebAppOptions {
  /** The Baton tenant base, `{BATON_PUBLIC_URL}/{tenant}`; the issuer is `{issuerBase}/v2.0`. */
  issuerBase: string;
  /** This web app's client_id at Baton (registered with its redirect URI, and --accept-session-transfer for web views). */
  clientId: string;
  /** Where this app is reached: the redirect URI is `{publicUrl}/callback`, logout comes back to `{publicUrl}/`. */
  publicUrl: string;
  /**
   * The client_ids whose access tokens this app accepts as `Authorization: Bearer` (the
   * native apps that open it in a web view). Empty (the default) turns that pattern off.
   */
  bearerAudiences?: string[];
  /** Milliseconds since the epoch; tests pass Baton's manual clock. */
  now?: () => number;
  logger?: boolean;
}

/** Parameters a link to /login may pass on to Baton's authorization endpoint. */
const passedThrough = ['prompt', 'login_hint', 'session_transfer_token'] as const;

/**
 * A small web app signed in by Baton, showing who is signed in, two ways: its own session
 * from the authorization code flow (in a web view, started with a session transfer token
 * so there is no prompt), or the native app's access token on the request itself
 * (`Authorization: Bearer`). With its own session it also shows the user's devices, from
 * Baton's account API. Not started: call `listen()` on the answer.
 */
export async function createWebApp(options: WebAppOptions): Promise<FastifyInstance> {
  const now = options.now ?? Date.now;
  const publicUrl = options.publicUrl.replace(/\/$/, '');
  const rp = await RelyingParty.discover({
    issuer: `${options.issuerBase.replace(/\/$/, '')}/v2.0`,
    clientId: options.clientId,
    redirectUri: `${publicUrl}/callback`,
    insecure: options.issuerBase.startsWith('http://'),
    now,
  });
  const metadata = rp.config.serverMetadata();
  const bearer = new BearerTokens(metadata.issuer, metadata.jwks_uri!, options.bearerAudiences ?? [], now);
  const sessions = new Sessions();
  const cookieOptions = sessionCookieOptions(publicUrl);

  const app = Fastify({
    // Only the path is logged: a web view's /login carries a session transfer token, and /callback a code.
    logger: options.logger
      ? { serializers: { req: (req: FastifyRequest) => ({ method: req.method, path: req.url.split('?')[0] }) } }
      : false,
  });
  await app.register(cookie);
  await app.register(formBody);
  app.addHook('onSend', async (_request, reply) => {
    reply
      .header(
        'content-security-policy',
        "default-src 'none'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
      )
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', 'no-store');
  });
  const html = (reply: FastifyReply, body: string, status = 200) =>
    reply.code(status).type('text/html; charset=utf-8').send(body);
  const current = (request: FastifyRequest) => {
    const id = request.cookies[sessionCookie];
    return { id, session: sessions.get(id) };
  };

  app.get('/', async (request, reply) => {
    if (request.headers.authorization !== undefined) {
      const viewer = await bearerViewer(request.headers.authorization);
      if (viewer) return html(reply, homePage(viewer));
      reply.header('www-authenticate', 'Bearer error="invalid_token"');
      return html(reply, homePage(null, 'The access token on this request was not accepted.'), 401);
    }
    const { signedIn } = current(request).session ?? {};
    if (!signedIn) return html(reply, homePage(null));
    return html(
      reply,
      homePage(sessionViewer(signedIn), undefined, await ownDevices(options.issuerBase, signedIn.accessToken)),
    );
  });

  app.get('/login', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const extra = Object.fromEntries(
      passedThrough.flatMap((name) => (typeof query[name] === 'string' ? [[name, query[name]]] : [])),
    );
    let { id, session } = current(request);
    if (!session) {
      ({ id, session } = sessions.create());
      reply.setCookie(sessionCookie, id, cookieOptions);
    }
    const { url, pending } = await rp.startLogin(extra);
    session.pending = pending;
    return reply.redirect(url.toString(), 302);
  });

  app.get('/callback', async (request, reply) => {
    const { id, session } = current(request);
    if (!session?.pending)
      return html(reply, errorPage('invalid_request', 'No sign-in is in progress in this browser.'), 400);
    const pending = session.pending;
    delete session.pending;
    let signedIn: SignedIn;
    try {
      signedIn = await rp.finishLogin(new URL(request.url, publicUrl), pending);
    } catch (error) {
      const e = error as { error?: string; error_description?: string; message?: string };
      request.log.info({ error: e.error ?? e.message }, 'sign-in did not complete');
      return html(reply, errorPage(e.error ?? 'invalid_response', e.error_description ?? e.message), 400);
    }
    // A new session id once signed in, so an id planted before sign-in is worth nothing after it.
    sessions.end(id);
    const fresh = sessions.create();
    fresh.session.signedIn = signedIn;
    reply.setCookie(sessionCookie, fresh.id, cookieOptions);
    return reply.redirect('/', 303);
  });

  app.post('/refresh', async (request, reply) => {
    const { id, session } = current(request);
    if (!session?.signedIn) return html(reply, homePage(null), 401);
    try {
      session.signedIn = await rp.refresh(session.signedIn);
    } catch (error) {
      // invalid_grant: the Baton session behind this one has ended (logout, revocation of the app's session, reuse).
      sessions.end(id);
      reply.clearCookie(sessionCookie, cookieOptions);
      const reason = error instanceof oidc.ResponseBodyError ? error.error : 'unavailable';
      return html(reply, homePage(null, `Your session has ended (${reason}): sign in again.`), 401);
    }
    return reply.redirect('/', 303);
  });

  app.get('/logout', async (request, reply) => {
    const { id, session } = current(request);
    sessions.end(id);
    reply.clearCookie(sessionCookie, cookieOptions);
    return reply.redirect(rp.logoutUrl(session?.signedIn, `${publicUrl}/`).toString(), 302);
  });

  /** The user behind a bearer token: the token checked locally, then their name and email from Baton's userinfo. */
  async function bearerViewer(authorization: string): Promise<Viewer | null> {
    const user = await bearer.verify(authorization);
    if (!user) return null;
    // Userinfo also tells us the session behind the token is still alive; a signature alone cannot.
    const info = await oidc.fetchUserInfo(rp.config, authorization.slice('Bearer '.length), user.sub).catch(() => null);
    if (!info) return null;
    return { via: 'bearer', sub: user.sub, name: info.name, email: info.email, sid: user.sid, clientId: user.clientId };
  }

  return app;
}

function sessionViewer(signedIn: SignedIn): Viewer {
  const c = signedIn.claims;
  return {
    via: 'session',
    sub: c.sub,
    name: c.name as string | undefined,
    email: c.email as string | undefined,
    sid: c.sid as string | undefined,
  };
}
