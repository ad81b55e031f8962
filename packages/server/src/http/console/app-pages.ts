import type { FastifyReply } from 'fastify';
import { readParams } from '../../oauth/params.js';
import { html, type SafeHtml } from '../web/html.js';
import type { AppJson, PageOf } from './api-types.js';
import { doneNotice, type Frame, sendPage, tenantScreen, when } from './console-layout.js';
import { type ConsolePages, type Operator, page } from './console-deps.js';
import { buttonForm, checkbox, input, postForm, select } from './forms.js';
import { apiPath, consoleUrl, query } from './management-api.js';
import { nextPageLink } from './next-page.js';

/** The on/off settings of an app the console changes, with what each allows. */
const flags = [
  ['require_mfa', 'Require a second factor'],
  ['allow_session_transfer', 'May hand its session off (session transfer)'],
  ['accept_session_transfer', 'Accepts handed-off sessions'],
  ['allow_refresh_token_export', 'May export raw refresh tokens'],
  ['device_code', 'May start the device code grant'],
] as const;

type Flag = (typeof flags)[number][0];

const adminLevels: Array<[string, string]> = [
  ['', 'None'],
  ['read', 'Read'],
  ['write', 'Read and write'],
];

const formFields = ['name', 'type', 'admin', ...flags.map(([flag]) => flag)] as const;

type AppForm = { [K in (typeof formFields)[number]]?: string };

/** The flags, admin level and name of a submitted form, as the API's fields (an unticked box is false). */
function settingsOf(form: AppForm) {
  return {
    ...(form.name ? { name: form.name } : {}),
    admin: form.admin === 'read' || form.admin === 'write' ? form.admin : null,
    ...Object.fromEntries(flags.map(([flag]) => [flag, form[flag] === 'true'])),
  } as { name?: string; admin: 'read' | 'write' | null } & Record<Flag, boolean>;
}

function flagBoxes(checked: (flag: Flag) => boolean): SafeHtml {
  return html`<fieldset><legend>Flags</legend><div class="checks">${flags.map(([flag, label]) => checkbox(flag, label, checked(flag)))}</div></fieldset>`;
}

function flagSummary(app: AppJson): string {
  return flags
    .filter(([flag]) => app[flag])
    .map(([flag]) => flag)
    .join(', ');
}

async function appsPage(operator: Operator, tenant: string, cursor: string | undefined, values: AppForm = {}) {
  const page = await operator.api.read<PageOf<AppJson>>(`${apiPath`/tenants/${tenant}/apps`}${query({ cursor })}`);
  return html`<section class="panel" aria-labelledby="list"><h2 id="list">Registered apps</h2>
<table><thead><tr><th scope="col">Name</th><th scope="col">Client ID</th><th scope="col">Type</th><th scope="col">Admin</th><th scope="col">Flags</th></tr></thead>
<tbody>${page.items.map(
    (app) =>
      html`<tr><td><a href="${consoleUrl`/tenants/${tenant}/apps/${app.client_id}`}">${app.name}</a></td><td><code>${app.client_id}</code></td><td>${app.type}</td><td>${app.admin ?? ''}</td><td>${flagSummary(app)}</td></tr>`,
  )}</tbody></table>
${nextPageLink(consoleUrl`/tenants/${tenant}/apps`, {}, page.next_cursor)}
</section>
<section class="panel" aria-labelledby="create"><h2 id="create">Register an app</h2>
${postForm(
  consoleUrl`/tenants/${tenant}/apps`,
  operator.csrf,
  html`<div class="row">${input({ name: 'name', label: 'Name', value: values.name, required: true })}
${select(
  'type',
  'Type',
  [
    ['public', 'Public (a native or browser app)'],
    ['confidential', 'Confidential (has a secret)'],
  ],
  values.type ?? 'public',
)}
${select('admin', 'Management access', adminLevels, values.admin ?? '')}</div>
${flagBoxes((flag) => values[flag] === 'true')}`,
  html`<button type="submit">Register app</button>`,
)}
</section>`;
}

/** One app: its settings, the form that changes its flags, and (confidential) the secret's rotation. */
function appPage(
  reply: FastifyReply,
  operator: Operator,
  tenant: string,
  app: AppJson,
  frame: Pick<Frame, 'notice' | 'problem'> & { secret?: string },
) {
  const url = consoleUrl`/tenants/${tenant}/apps/${app.client_id}`;
  return sendPage(
    reply,
    tenantScreen(operator.banner, tenant, 'apps', app.name, frame),
    html`${
      frame.secret
        ? html`<section class="panel secret" aria-labelledby="secret"><h2 id="secret">Client secret</h2>
<p>Copy it now: it is shown this once, and Baton keeps only its digest.</p><p><code id="client-secret">${frame.secret}</code></p></section>`
        : ''
    }
<section class="panel" aria-labelledby="about"><h2 id="about">Registration</h2>
<dl><dt>Client ID</dt><dd><code>${app.client_id}</code></dd><dt>Type</dt><dd>${app.type}</dd>
<dt>Challenge types</dt><dd>${app.challenge_types.join(', ')}</dd><dt>Scopes</dt><dd>${app.scopes.join(' ')}</dd>
<dt>Created</dt><dd>${when(app.created_at)}</dd></dl>
${app.type === 'confidential' ? html`<div class="actions">${buttonForm(`${url}/rotate-secret`, operator.csrf, 'Rotate secret')}</div>` : ''}
</section>
<section class="panel" aria-labelledby="edit"><h2 id="edit">Settings</h2>
${postForm(
  url,
  operator.csrf,
  html`<div class="row">${input({ name: 'name', label: 'Name', value: app.name, required: true })}
${select('admin', 'Management access', adminLevels, app.admin ?? '')}</div>
${flagBoxes((flag) => app[flag])}`,
  html`<button type="submit">Save settings</button>`,
)}
</section>`,
  );
}

/** `/admin/tenants/{t}/apps`: list, register, change flags, rotate a secret. */
export const appPages: ConsolePages = (scope, deps) => {
  scope.get<{ Params: { tenant: string } }>('/tenants/:tenant/apps', page, async (request, reply) => {
    const operator = deps.operator(request, reply);
    const { tenant } = request.params;
    const { cursor } = readParams(['cursor'], request.query);
    return sendPage(
      reply,
      tenantScreen(operator.banner, tenant, 'apps', 'Apps'),
      await appsPage(operator, tenant, cursor),
    );
  });

  scope.post<{ Params: { tenant: string } }>('/tenants/:tenant/apps', page, async (request, reply) => {
    const form = deps.form(request, formFields);
    const operator = deps.operator(request, reply);
    const { tenant } = request.params;
    const created = await operator.api.send<AppJson>('POST', apiPath`/tenants/${tenant}/apps`, {
      ...settingsOf(form),
      name: form.name ?? '',
      type: form.type === 'confidential' ? 'confidential' : 'public',
    });
    if (!created.ok)
      return sendPage(
        reply,
        tenantScreen(operator.banner, tenant, 'apps', 'Apps', { problem: created.problem }),
        await appsPage(operator, tenant, undefined, form),
      );
    const { client_secret: secret, ...app } = created.body;
    return appPage(reply, operator, tenant, app, {
      notice: 'The app is registered.',
      ...(secret ? { secret } : {}),
    });
  });

  scope.get<{ Params: { tenant: string; client_id: string } }>(
    '/tenants/:tenant/apps/:client_id',
    page,
    async (request, reply) => {
      const operator = deps.operator(request, reply);
      const { tenant, client_id } = request.params;
      const app = await operator.api.read<AppJson>(apiPath`/tenants/${tenant}/apps/${client_id}`);
      return appPage(reply, operator, tenant, app, {
        notice: doneNotice(request.query, { saved: 'The settings are saved.' }),
      });
    },
  );

  scope.post<{ Params: { tenant: string; client_id: string } }>(
    '/tenants/:tenant/apps/:client_id',
    page,
    async (request, reply) => {
      const form = deps.form(request, formFields);
      const operator = deps.operator(request, reply);
      const { tenant, client_id } = request.params;
      const path = apiPath`/tenants/${tenant}/apps/${client_id}`;
      const saved = await operator.api.send<AppJson>('PATCH', path, settingsOf(form));
      if (saved.ok) return reply.redirect(`${consoleUrl`/tenants/${tenant}/apps/${client_id}`}?done=saved`, 303);
      return appPage(reply, operator, tenant, await operator.api.read<AppJson>(path), { problem: saved.problem });
    },
  );

  scope.post<{ Params: { tenant: string; client_id: string } }>(
    '/tenants/:tenant/apps/:client_id/rotate-secret',
    page,
    async (request, reply) => {
      deps.form(request, []);
      const operator = deps.operator(request, reply);
      const { tenant, client_id } = request.params;
      const path = apiPath`/tenants/${tenant}/apps/${client_id}`;
      const rotated = await operator.api.send<{ client_secret: string }>('POST', `${path}/rotate-secret`);
      const app = await operator.api.read<AppJson>(path);
      return rotated.ok
        ? appPage(reply, operator, tenant, app, {
            notice: 'A new secret is in force; the previous one no longer works.',
            secret: rotated.body.client_secret,
          })
        : appPage(reply, operator, tenant, app, { problem: rotated.problem });
    },
  );
};
