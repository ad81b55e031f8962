import { html } from '../web/html.js';
import type { PageOf, TenantJson } from './api-types.js';
import { doneNotice, sendPage, when } from './console-layout.js';
import { readParams } from '../../oauth/params.js';
import { type ConsolePages, type Operator, page } from './console-deps.js';
import { input, postForm } from './forms.js';
import { apiPath, consoleUrl, query } from './management-api.js';
import { nextPageLink } from './next-page.js';

/** The tenants the credential sees (an app: its own), a page at a time, and the form that creates one. */
async function tenantsPage(
  operator: Operator,
  cursor: string | undefined,
  values: { name?: string | undefined; display_name?: string | undefined } = {},
) {
  const page = await operator.api.read<PageOf<TenantJson>>(`/tenants${query({ cursor })}`);
  return html`<section class="panel" aria-labelledby="list"><h2 id="list">Tenants you manage</h2>
<table><thead><tr><th scope="col">Name</th><th scope="col">Display name</th><th scope="col">Signing</th><th scope="col">Created</th></tr></thead>
<tbody>${page.items.map((t) => html`<tr><td><a href="${consoleUrl`/tenants/${t.name}`}">${t.name}</a></td><td>${t.display_name}</td><td>${t.signing_alg}</td><td>${when(t.created_at)}</td></tr>`)}</tbody></table>
${nextPageLink(consoleUrl`/tenants`, {}, page.next_cursor)}
</section>
<section class="panel" aria-labelledby="create"><h2 id="create">Create a tenant</h2>
${postForm(
  consoleUrl`/tenants`,
  operator.csrf,
  html`<div class="row">${input({ name: 'name', label: 'Name', value: values.name, required: true, hint: 'Lower-case letters, digits and hyphens' })}
${input({ name: 'display_name', label: 'Display name', value: values.display_name })}
<button type="submit">Create tenant</button></div>`,
  html``,
)}
</section>`;
}

/** `/admin/tenants` and one tenant's overview. */
export const tenantPages: ConsolePages = (scope, deps) => {
  scope.get('/tenants', page, async (request, reply) => {
    const operator = deps.operator(request, reply);
    const { cursor } = readParams(['cursor'], request.query);
    return sendPage(reply, { title: 'Tenants', signedIn: operator.banner }, await tenantsPage(operator, cursor));
  });

  scope.post('/tenants', page, async (request, reply) => {
    const { name, display_name } = deps.form(request, ['name', 'display_name']);
    const operator = deps.operator(request, reply);
    const created = await operator.api.send<TenantJson>('POST', '/tenants', {
      name: name ?? '',
      ...(display_name ? { display_name } : {}),
    });
    if (created.ok) return reply.redirect(`${consoleUrl`/tenants/${created.body.name}`}?done=created`, 303);
    return sendPage(
      reply,
      { title: 'Tenants', signedIn: operator.banner, problem: created.problem },
      await tenantsPage(operator, undefined, { name, display_name }),
    );
  });

  scope.get<{ Params: { tenant: string } }>('/tenants/:tenant', page, async (request, reply) => {
    const operator = deps.operator(request, reply);
    const tenant = await operator.api.read<TenantJson>(apiPath`/tenants/${request.params.tenant}`);
    return sendPage(
      reply,
      {
        title: `Tenant ${tenant.name}`,
        signedIn: operator.banner,
        tenant: { name: tenant.name },
        notice: doneNotice(request.query, { created: 'The tenant was created with its first signing key.' }),
      },
      html`<section class="panel" aria-labelledby="settings"><h2 id="settings">Settings</h2>
<dl><dt>Name</dt><dd>${tenant.name}</dd><dt>Display name</dt><dd>${tenant.display_name}</dd>
<dt>Signing algorithm</dt><dd>${tenant.signing_alg}</dd><dt>One-time code length</dt><dd>${String(tenant.code_length)}</dd>
<dt>Created</dt><dd>${when(tenant.created_at)}</dd></dl></section>
<section class="panel" aria-labelledby="screens"><h2 id="screens">Manage</h2><ul>
<li><a href="${consoleUrl`/tenants/${tenant.name}/apps`}">Apps</a>: register, change flags, rotate secrets</li>
<li><a href="${consoleUrl`/tenants/${tenant.name}/users`}">Users</a>: find, view their devices, revoke, delete</li>
<li><a href="${consoleUrl`/tenants/${tenant.name}/audit`}">Audit log</a>: who did what, when</li>
<li><a href="${consoleUrl`/tenants/${tenant.name}/policy`}">Policy</a>: the conditional-access document and what-if</li>
</ul></section>`,
    );
  });
};
