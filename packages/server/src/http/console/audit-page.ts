import { readParams } from '../../oauth/params.js';
import { html } from '../web/html.js';
import type { AuditEventJson, PageOf, UserJson } from './api-types.js';
import { sendPage, tenantScreen, when } from './console-layout.js';
import { type ConsolePages, type Operator, page } from './console-deps.js';
import { input } from './forms.js';
import { type Answer, apiPath, consoleUrl, query } from './management-api.js';
import { nextPageLink } from './next-page.js';

/** An event's data, cut short for the table: the API has it whole. */
const brief = (text: string) => (text.length > 160 ? `${text.slice(0, 159)}…` : text);

/** Events per page: a screenful. */
const pageSize = 25;

const filterFields = ['type', 'user', 'since', 'until', 'cursor'] as const;

/** A `datetime-local` value (minutes, no zone) read as UTC, as the form's labels say; anything else goes to the API as it is. */
const instant = (value: string | undefined) =>
  value && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value) ? `${value}:00Z` : value || undefined;

/** The user filter takes an id or an email address; an address is looked up with the API's search. */
async function userIdOf(
  operator: Operator,
  tenant: string,
  user: string | undefined,
): Promise<Answer<string | undefined>> {
  if (!user?.includes('@')) return { ok: true, status: 200, body: user || undefined };
  const found = await operator.api.send<PageOf<UserJson>>(
    'GET',
    `${apiPath`/tenants/${tenant}/users`}${query({ email: user })}`,
  );
  if (!found.ok) return found;
  const id = found.body.items[0]?.id;
  return id
    ? { ok: true, status: 200, body: id }
    : {
        ok: false,
        status: 404,
        problem: {
          status: 404,
          title: 'User not found',
          detail: `No user has the address ${user}`,
          code: 'user_not_found',
          field: 'user',
        },
      };
}

/** `/admin/tenants/{t}/audit`: the audit trail, newest first, filtered by type, user and time, a page at a time. */
export const auditPage: ConsolePages = (scope, deps) => {
  scope.get<{ Params: { tenant: string } }>('/tenants/:tenant/audit', page, async (request, reply) => {
    const operator = deps.operator(request, reply);
    const { tenant } = request.params;
    const filters = readParams(filterFields, request.query);
    const userId = await userIdOf(operator, tenant, filters.user?.trim());
    const events = userId.ok
      ? await operator.api.send<PageOf<AuditEventJson>>(
          'GET',
          `${apiPath`/tenants/${tenant}/audit`}${query({
            type: filters.type?.trim(),
            user_id: userId.body,
            since: instant(filters.since),
            until: instant(filters.until),
            cursor: filters.cursor,
            limit: String(pageSize),
          })}`,
        )
      : userId;
    const { cursor: _, ...kept } = filters;
    return sendPage(
      reply,
      tenantScreen(operator.banner, tenant, 'audit', 'Audit log', { problem: events.ok ? undefined : events.problem }),
      html`<section class="panel" aria-labelledby="filters"><h2 id="filters">Filters</h2>
<form method="get" action="${consoleUrl`/tenants/${tenant}/audit`}"><div class="row">
${input({ name: 'type', label: 'Type', value: filters.type, hint: 'e.g. session.revoked (docs/audit.md)' })}
${input({ name: 'user', label: 'User', value: filters.user, hint: 'Email address or id' })}
${input({ name: 'since', label: 'From (UTC)', type: 'datetime-local', value: filters.since })}
${input({ name: 'until', label: 'Before (UTC)', type: 'datetime-local', value: filters.until })}
<button type="submit">Filter</button></div></form></section>
<section class="panel" aria-labelledby="events"><h2 id="events">Events</h2>
${
  events.ok
    ? html`<table><thead><tr><th scope="col">When</th><th scope="col">Type</th><th scope="col">User</th><th scope="col">App</th><th scope="col">IP</th><th scope="col">Data</th></tr></thead>
<tbody>${events.body.items.map(
        (e) =>
          html`<tr><td class="nowrap">${when(e.at)}</td><td>${e.type}</td><td>${e.user_id ? html`<a href="${consoleUrl`/tenants/${tenant}/users/${e.user_id}`}"><code class="nowrap">${e.user_id.slice(0, 8)}</code></a>` : ''}</td><td><code>${e.client_id ?? ''}</code></td><td>${e.ip ?? ''}</td><td><code>${brief(JSON.stringify(e.data))}</code></td></tr>`,
      )}</tbody></table>
${events.body.items.length === 0 ? html`<p role="status">No events.</p>` : ''}
${nextPageLink(consoleUrl`/tenants/${tenant}/audit`, kept, events.body.next_cursor)}`
    : ''
}
</section>`,
    );
  });
};
