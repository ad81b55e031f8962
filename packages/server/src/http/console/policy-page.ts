import type { FastifyReply } from 'fastify';
import { evaluationPoints } from '../../core/policy/policy-document.js';
import { html } from '../web/html.js';
import type { DecisionJson, PolicyJson } from './api-types.js';
import { doneNotice, type Frame, sendPage, tenantScreen, when } from './console-layout.js';
import { type ConsolePages, type Operator, page } from './console-deps.js';
import { input, postForm, select } from './forms.js';
import { apiPath, consoleUrl, type Problem } from './management-api.js';

const whatIfFields = ['email', 'client_id', 'at', 'ip', 'device_kind', 'platform', 'amr'] as const;

type WhatIfForm = { [K in (typeof whatIfFields)[number]]?: string };

const deviceKinds: Array<[string, string]> = ['primary', 'companion', 'browser', 'service'].map((k) => [k, k]);

interface PolicyView {
  /** The document in the textarea: the one submitted when it was refused, else the one in force. */
  text?: string | undefined;
  whatIf?: WhatIfForm;
  decision?: DecisionJson;
}

/** The version in force, its document to edit, and the what-if form (with its last answer). */
async function showPolicy(
  reply: FastifyReply,
  operator: Operator,
  tenant: string,
  view: PolicyView,
  frame: Pick<Frame, 'notice' | 'problem'>,
) {
  const policy = await operator.api.read<PolicyJson>(apiPath`/tenants/${tenant}/policy`);
  const url = consoleUrl`/tenants/${tenant}/policy`;
  const w = view.whatIf ?? {};
  const d = view.decision;
  return sendPage(
    reply,
    tenantScreen(operator.banner, tenant, 'policy', 'Policy', frame),
    html`<section class="panel" aria-labelledby="document"><h2 id="document">Document</h2>
<p id="in-force">${
      policy.version === 0
        ? 'No policy was ever set (version 0): every request is allowed.'
        : `Version ${policy.version} is in force, set ${when(policy.created_at)} by ${policy.created_by ?? 'unknown'}.`
    }</p>
${postForm(
  url,
  operator.csrf,
  html`<div class="field"><label for="policy-document">Rules (JSON)</label>
<textarea id="policy-document" name="document" spellcheck="false" aria-describedby="document-hint">${view.text ?? JSON.stringify(policy.document, null, 2)}</textarea>
<p class="hint" id="document-hint">Saving checks and compiles every rule; a refused document leaves the version in force as it is. See docs/policy.md.</p></div>`,
  html`<button type="submit">Save as the next version</button>`,
)}
</section>
<section class="panel" aria-labelledby="what-if"><h2 id="what-if">What if</h2>
<p>Which rules of the version in force would match a request that did not happen.</p>
${postForm(
  `${url}/what-if`,
  operator.csrf,
  html`<div class="row">${input({ name: 'email', label: 'User’s email', type: 'email', value: w.email, required: true })}
${input({ name: 'client_id', label: 'App (client ID)', value: w.client_id, required: true })}
${select(
  'at',
  'Point of evaluation',
  evaluationPoints.map((p) => [p, p]),
  w.at ?? 'sign_in',
)}</div>
<div class="row">${input({ name: 'ip', label: 'IP address', value: w.ip })}
${select('device_kind', 'Device kind', deviceKinds, w.device_kind ?? 'primary')}
${input({ name: 'platform', label: 'Platform', value: w.platform })}
${input({ name: 'amr', label: 'Methods (amr)', value: w.amr, hint: 'Comma-separated, e.g. pwd,otp' })}</div>`,
  html`<button type="submit">Evaluate</button>`,
)}
${
  d
    ? html`<div role="status" id="decision"><h3>Decision: ${d.decision}</h3>
<p>Matching rules: ${d.rules.length > 0 ? d.rules.join(', ') : 'none'}</p>
${d.report_only.length > 0 ? html`<p>Report-only matches: ${d.report_only.join(', ')}</p>` : ''}
${d.failed.map((f) => html`<p>Rule ${f.rule} failed to evaluate: ${f.message}</p>`)}</div>`
    : ''
}
</section>`,
  );
}

/** The textarea's JSON, or why it is not JSON, in the words the API's problems use. */
function parseDocument(text: string): { document: unknown } | { problem: Problem } {
  try {
    return { document: JSON.parse(text) };
  } catch (error) {
    return {
      problem: {
        status: 400,
        title: 'Not JSON',
        detail: (error as Error).message,
        code: 'malformed_request',
        field: 'document',
      },
    };
  }
}

/** `/admin/tenants/{t}/policy`: show, set (the API's validation errors shown with the rule and position), what-if. */
export const policyPage: ConsolePages = (scope, deps) => {
  scope.get<{ Params: { tenant: string } }>('/tenants/:tenant/policy', page, async (request, reply) => {
    const operator = deps.operator(request, reply);
    return showPolicy(
      reply,
      operator,
      request.params.tenant,
      {},
      {
        notice: doneNotice(request.query, { saved: 'The document is saved as the next version, in force within 2 s.' }),
      },
    );
  });

  scope.post<{ Params: { tenant: string } }>('/tenants/:tenant/policy', page, async (request, reply) => {
    const { document: text = '' } = deps.form(request, ['document']);
    const operator = deps.operator(request, reply);
    const { tenant } = request.params;
    const parsed = parseDocument(text);
    const saved =
      'problem' in parsed
        ? { ok: false as const, problem: parsed.problem }
        : await operator.api.send('PUT', apiPath`/tenants/${tenant}/policy`, parsed.document);
    if (saved.ok) return reply.redirect(`${consoleUrl`/tenants/${tenant}/policy`}?done=saved`, 303);
    return showPolicy(reply, operator, tenant, { text }, { problem: saved.problem });
  });

  scope.post<{ Params: { tenant: string } }>('/tenants/:tenant/policy/what-if', page, async (request, reply) => {
    const form = deps.form(request, whatIfFields);
    const operator = deps.operator(request, reply);
    const { tenant } = request.params;
    const amr = form.amr
      ?.split(',')
      .map((m) => m.trim())
      .filter(Boolean);
    const answer = await operator.api.send<DecisionJson>('POST', apiPath`/tenants/${tenant}/policy/what-if`, {
      email: form.email ?? '',
      client_id: form.client_id ?? '',
      at: form.at ?? '',
      ...(form.ip ? { ip: form.ip } : {}),
      ...(form.device_kind ? { device_kind: form.device_kind } : {}),
      ...(form.platform ? { platform: form.platform } : {}),
      ...(amr && amr.length > 0 ? { amr } : {}),
    });
    return answer.ok
      ? showPolicy(reply, operator, tenant, { whatIf: form, decision: answer.body }, {})
      : showPolicy(reply, operator, tenant, { whatIf: form }, { problem: answer.problem });
  });
};
