import type { FastifyReply } from 'fastify';
import { readParams } from '../../oauth/params.js';
import { html } from '../web/html.js';
import type { PageOf, SessionJson, UserJson } from './api-types.js';
import { doneNotice, type Frame, sendPage, tenantScreen, when } from './console-layout.js';
import { type ConsolePages, type Operator, page } from './console-deps.js';
import { buttonForm, input } from './forms.js';
import { apiPath, consoleUrl, query } from './management-api.js';
import { deviceTree } from './device-graph.js';
import { nextPageLink } from './next-page.js';

type TenantParams = { Params: { tenant: string } };
type UserParams = { Params: { tenant: string; id: string } };

/** A user, their device graph and what can be done to them. */
async function userPage(
  reply: FastifyReply,
  operator: Operator,
  tenant: string,
  id: string,
  frame: Pick<Frame, 'notice' | 'problem'>,
) {
  const path = apiPath`/tenants/${tenant}/users/${id}`;
  const [user, graph] = await Promise.all([
    operator.api.read<UserJson>(path),
    operator.api.read<{ sessions: SessionJson[] }>(`${path}/sessions`),
  ]);
  const url = consoleUrl`/tenants/${tenant}/users/${id}`;
  return sendPage(
    reply,
    tenantScreen(operator.banner, tenant, 'users', user.email, frame),
    html`<section class="panel" aria-labelledby="about"><h2 id="about">Account</h2>
<dl><dt>ID</dt><dd><code>${user.id}</code></dd><dt>Display name</dt><dd>${user.display_name ?? ''}</dd>
<dt>Address verified</dt><dd>${user.email_verified ? 'yes' : 'no'}</dd><dt>Created</dt><dd>${when(user.created_at)}</dd></dl>
<div class="actions"><a href="${consoleUrl`/tenants/${tenant}/audit`}${query({ user: user.id })}">Audit events</a>
<a href="${url}/delete">Delete user…</a></div>
</section>
<section class="panel" aria-labelledby="devices"><h2 id="devices">Devices</h2>
${deviceTreeOf(graph.sessions, tenant, operator, id)}
<div class="actions">${buttonForm(`${url}/sign-out-everywhere`, operator.csrf, 'Sign out everywhere', { danger: true })}</div>
</section>`,
  );
}

function deviceTreeOf(sessions: SessionJson[], tenant: string, operator: Operator, userId: string) {
  return deviceTree(
    sessions,
    (sessionId) => consoleUrl`/tenants/${tenant}/sessions/${sessionId}/revoke`,
    operator.csrf,
    userId,
  );
}

/** `/admin/tenants/{t}/users`: search by address, a user and their device graph, revoke, sign out everywhere, delete. */
export const userPages: ConsolePages = (scope, deps) => {
  scope.get<TenantParams>('/tenants/:tenant/users', page, async (request, reply) => {
    const operator = deps.operator(request, reply);
    const { tenant } = request.params;
    const { email, cursor } = readParams(['email', 'cursor'], request.query);
    const found = await operator.api.send<PageOf<UserJson>>(
      'GET',
      `${apiPath`/tenants/${tenant}/users`}${query({ email: email?.trim(), cursor })}`,
    );
    const results = found.ok
      ? html`<table><thead><tr><th scope="col">Email</th><th scope="col">Name</th><th scope="col">Verified</th><th scope="col">Created</th></tr></thead>
<tbody>${found.body.items.map((u) => html`<tr><td><a href="${consoleUrl`/tenants/${tenant}/users/${u.id}`}">${u.email}</a></td><td>${u.display_name ?? ''}</td><td>${u.email_verified ? 'yes' : 'no'}</td><td>${when(u.created_at)}</td></tr>`)}</tbody></table>
${found.body.items.length === 0 ? html`<p role="status">No user${email ? html` with the address ${email}` : ''}.</p>` : ''}
${nextPageLink(consoleUrl`/tenants/${tenant}/users`, { email }, found.body.next_cursor)}`
      : html``;
    return sendPage(
      reply,
      tenantScreen(operator.banner, tenant, 'users', 'Users', {
        problem: found.ok ? undefined : found.problem,
        notice: doneNotice(request.query, { deleted: 'The user was deleted and every device signed out.' }),
      }),
      html`<section class="panel" aria-labelledby="search"><h2 id="search">Find a user</h2>
<form method="get" action="${consoleUrl`/tenants/${tenant}/users`}"><div class="row">
${input({ name: 'email', label: 'Email address', type: 'search', value: email })}
<button type="submit">Search</button></div></form>
</section>
<section class="panel" aria-labelledby="results"><h2 id="results">${email ? 'Result' : 'All users'}</h2>${results}</section>`,
    );
  });

  scope.get<UserParams>('/tenants/:tenant/users/:id', page, async (request, reply) => {
    const operator = deps.operator(request, reply);
    const { tenant, id } = request.params;
    return userPage(reply, operator, tenant, id, {
      notice: doneNotice(request.query, {
        revoked: 'The session and its branch are revoked.',
        signed_out: 'Every session of the user is revoked.',
      }),
    });
  });

  scope.post<{ Params: { tenant: string; session: string } }>(
    '/tenants/:tenant/sessions/:session/revoke',
    page,
    async (request, reply) => {
      const { user } = deps.form(request, ['user']);
      const operator = deps.operator(request, reply);
      const { tenant, session } = request.params;
      const revoked = await operator.api.send('DELETE', apiPath`/tenants/${tenant}/sessions/${session}`);
      if (!user) return reply.redirect(consoleUrl`/tenants/${tenant}/users`, 303);
      if (revoked.ok) return reply.redirect(`${consoleUrl`/tenants/${tenant}/users/${user}`}?done=revoked`, 303);
      return userPage(reply, operator, tenant, user, { problem: revoked.problem });
    },
  );

  scope.post<UserParams>('/tenants/:tenant/users/:id/sign-out-everywhere', page, async (request, reply) => {
    deps.form(request, []);
    const operator = deps.operator(request, reply);
    const { tenant, id } = request.params;
    const revoked = await operator.api.send('DELETE', apiPath`/tenants/${tenant}/users/${id}/sessions`);
    if (revoked.ok) return reply.redirect(`${consoleUrl`/tenants/${tenant}/users/${id}`}?done=signed_out`, 303);
    return userPage(reply, operator, tenant, id, { problem: revoked.problem });
  });

  scope.get<UserParams>('/tenants/:tenant/users/:id/delete', page, async (request, reply) => {
    const operator = deps.operator(request, reply);
    const { tenant, id } = request.params;
    const user = await operator.api.read<UserJson>(apiPath`/tenants/${tenant}/users/${id}`);
    return sendPage(
      reply,
      tenantScreen(operator.banner, tenant, 'users', `Delete ${user.email}?`),
      confirmDelete(operator, tenant, user),
    );
  });

  scope.post<UserParams>('/tenants/:tenant/users/:id/delete', page, async (request, reply) => {
    deps.form(request, []);
    const operator = deps.operator(request, reply);
    const { tenant, id } = request.params;
    const path = apiPath`/tenants/${tenant}/users/${id}`;
    const erased = await operator.api.send('DELETE', path);
    if (erased.ok) return reply.redirect(`${consoleUrl`/tenants/${tenant}/users`}?done=deleted`, 303);
    const user = await operator.api.read<UserJson>(path);
    return sendPage(
      reply,
      tenantScreen(operator.banner, tenant, 'users', `Delete ${user.email}?`, { problem: erased.problem }),
      confirmDelete(operator, tenant, user),
    );
  });
};

function confirmDelete(operator: Operator, tenant: string, user: UserJson) {
  const url = consoleUrl`/tenants/${tenant}/users/${user.id}`;
  return html`<section class="panel"><p>Deleting erases the account’s personal data and signs every device out. It cannot be undone.</p>
<div class="actions">${buttonForm(`${url}/delete`, operator.csrf, 'Delete user', { danger: true })}
<a href="${url}">Cancel</a></div></section>`;
}
