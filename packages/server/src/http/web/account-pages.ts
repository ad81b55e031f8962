import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccountHolder } from '../../core/account/account-holder.js';
import { elsewhere } from '../../core/account/other-devices.js';
import { BatonError } from '../../core/errors.js';
import type { Tenant, User } from '../../core/model.js';
import { readParams } from '../../oauth/params.js';
import { formBody, requestContext } from '../request-context.js';
import { tenantOf } from '../route-options.js';
import { accountPaths, devicesPage, everywhereQuestion, signOutQuestion } from './account-views.js';
import { branchOf, deviceTree, nodesOf } from './device-tree.js';
import { errorPage, type WebDeps } from './page-flow.js';
import { messagePage } from './pages.js';
import { cookieOptions, securePage, ssoCookie } from './security.js';
import { signInFirst } from './sign-in-first.js';

/** How many recent sign-ins the page lists. */
const signInsShown = 10;

/**
 * "Your devices" at `{tenant}/account`: the hosted face of the account API, over the same
 * domain service (AccountSessions, SignInActivity). The person is the browser's SSO
 * session, and "this device" is that session: the cookie's, a hosted sign-in's or a web
 * view's. Signing out a branch or everywhere else is asked first on a page of its own, and
 * answered by a POST carrying the CSRF token.
 */
export function accountPages(app: FastifyInstance, deps: WebDeps) {
  const { services } = deps;

  /** The person the browser is signed in as, through its SSO session; null without a live one. */
  const signedIn = async (tenant: Tenant, request: FastifyRequest) => {
    const browser = await services.browserSessions.current(tenant, request.cookies[ssoCookie]);
    if (!browser) return null;
    const holder: AccountHolder = {
      userId: browser.user.id,
      sessionId: browser.session.id,
      context: requestContext(request),
    };
    return { user: browser.user, holder };
  };

  const csrfOf = (tenant: Tenant, request: FastifyRequest, reply: FastifyReply) =>
    deps.csrf.token(request, reply, tenant.name, deps.publicUrl);

  const showDevices = async (
    tenant: Tenant,
    reply: FastifyReply,
    person: { user: User; holder: AccountHolder },
    done?: string,
  ) => {
    const [sessions, signIns] = await Promise.all([
      services.accountSessions.devices(tenant, person.holder),
      services.signInActivity.recent(tenant, person.holder, signInsShown),
    ]);
    return reply.send(
      devicesPage({
        tenant,
        nonce: securePage(reply),
        user: person.user,
        tree: deviceTree(sessions),
        othersSignedIn: elsewhere(sessions, person.holder.sessionId).branches.length > 0,
        signIns,
        now: services.clock.now(),
        ...(done ? { done } : {}),
      }),
    );
  };

  // Signed out meanwhile (another device ended this browser's session): back to the page, which says what to do.
  const backToPage = (tenant: Tenant, reply: FastifyReply) => reply.redirect(accountPaths(tenant).page, 303);

  app.get('/:tenant/account', async (request, reply) => {
    const tenant = await tenantOf(services, request);
    const { client_id: clientId, code } = readParams(['client_id', 'code'], request.query);
    const person = await signedIn(tenant, request);
    if (person) {
      // Back from the sign-in: the code it ended with is never redeemed, so it leaves the address bar.
      if (code !== undefined) return reply.redirect(accountUrl(tenant, clientId), 303);
      return showDevices(tenant, reply, person);
    }
    if (clientId === undefined)
      return reply.send(
        messagePage(
          tenant,
          securePage(reply),
          'Your devices',
          'You are not signed in. Open "Your devices" from one of your apps to sign in and see them.',
        ),
      );
    const signInApp = await services.repos.apps.find(tenant.id, clientId);
    // As the authorization endpoint answers a link naming no app: a page, not a sign-in.
    if (!signInApp) return errorPage(reply, tenant, 400, 'This link is not valid: the application is unknown.');
    return signInFirst(deps, request, reply, tenant, signInApp, `${deps.publicUrl}${accountUrl(tenant, clientId)}`);
  });

  app.get('/:tenant/account/sign-out', async (request, reply) => {
    const tenant = await tenantOf(services, request);
    const person = await signedIn(tenant, request);
    if (!person) return backToPage(tenant, reply);
    const { session } = readParams(['session'], request.query);
    const branch = branchOf(deviceTree(await services.accountSessions.devices(tenant, person.holder)), session ?? '');
    // Not one of the person's live sessions: answered as the domain answers another user's.
    if (!branch) throw new BatonError('session_not_found', 'No live session of yours has this id');
    return reply.send(
      signOutQuestion({ tenant, nonce: securePage(reply), csrf: csrfOf(tenant, request, reply), branch }),
    );
  });

  app.post('/:tenant/account/sign-out', async (request, reply) => {
    const tenant = await tenantOf(services, request);
    const p = readParams(['csrf', 'session'], formBody(request));
    deps.csrf.verify(request, p.csrf);
    const person = await signedIn(tenant, request);
    if (!person) return backToPage(tenant, reply);
    const before = deviceTree(await services.accountSessions.devices(tenant, person.holder));
    const revoked = await services.accountSessions.revoke(tenant, person.holder, p.session ?? '');
    const title = branchOf(before, p.session ?? '')?.title ?? 'The device';
    if (revoked.includes(person.holder.sessionId)) {
      reply.clearCookie(ssoCookie, cookieOptions(tenant.name, deps.publicUrl));
      return reply.send(
        messagePage(tenant, securePage(reply), 'Signed out', `${title} is signed out, and this browser with it.`),
      );
    }
    return showDevices(
      tenant,
      reply,
      person,
      revoked.length ? `${title} is signed out.` : `${title} was already signed out.`,
    );
  });

  app.get('/:tenant/account/sign-out-everywhere', async (request, reply) => {
    const tenant = await tenantOf(services, request);
    const person = await signedIn(tenant, request);
    if (!person) return backToPage(tenant, reply);
    const thisDevice = readParams(['this_device'], request.query).this_device === 'yes';
    const sessions = await services.accountSessions.devices(tenant, person.holder);
    const tree = deviceTree(sessions);
    const { branches, kept } = elsewhere(sessions, person.holder.sessionId);
    const nodes = nodesOf(tree);
    return reply.send(
      everywhereQuestion({
        tenant,
        nonce: securePage(reply),
        csrf: csrfOf(tenant, request, reply),
        ending: thisDevice ? tree : nodes.filter((n) => branches.includes(n.session.id)),
        staying: thisDevice ? [] : nodes.filter((n) => kept.includes(n.session.id)),
        thisDevice,
      }),
    );
  });

  app.post('/:tenant/account/sign-out-everywhere', async (request, reply) => {
    const tenant = await tenantOf(services, request);
    const p = readParams(['csrf', 'this_device'], formBody(request));
    deps.csrf.verify(request, p.csrf);
    const person = await signedIn(tenant, request);
    if (!person) return backToPage(tenant, reply);
    const ended = (revoked: string[]) =>
      revoked.length === 1 ? '1 sign-in ended' : `${revoked.length} sign-ins ended`;
    if (p.this_device === 'yes') {
      const revoked = await services.accountSessions.revokeEverywhere(tenant, person.holder);
      reply.clearCookie(ssoCookie, cookieOptions(tenant.name, deps.publicUrl));
      return reply.send(
        messagePage(
          tenant,
          securePage(reply),
          'Signed out everywhere',
          `Every device is signed out, this browser too (${ended(revoked)}).`,
        ),
      );
    }
    const { revoked } = await services.accountSessions.revokeOthers(tenant, person.holder);
    return showDevices(tenant, reply, person, `You are signed out everywhere else (${ended(revoked)}).`);
  });
}

/** The account page's address, naming the app whose sign-in it uses when it has one. */
function accountUrl(tenant: Tenant, clientId: string | undefined): string {
  const page = accountPaths(tenant).page;
  return clientId === undefined ? page : `${page}?client_id=${encodeURIComponent(clientId)}`;
}
