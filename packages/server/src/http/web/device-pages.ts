import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Approver, PendingDevice } from '../../core/device-authorization/device-authorizations.js';
import { BatonError } from '../../core/errors.js';
import type { Tenant } from '../../core/model.js';
import { readParams } from '../../oauth/params.js';
import { formBody, requestContext } from '../request-context.js';
import { tenantOf } from '../route-options.js';
import { html } from './html.js';
import type { WebDeps } from './page-flow.js';
import { choicePage, formPage, messagePage } from './pages.js';
import { securePage, ssoCookie } from './security.js';
import { signInFirst } from './sign-in-first.js';

/**
 * The hosted page at `verification_uri` (RFC 8628 §3.3): the person types the code their
 * device shows (or arrives with it, from `verification_uri_complete`), signs in unless the
 * browser already is, sees which app on which device asks, and approves or denies. Every
 * form carries the CSRF token; every code typed is an attempt the limiter counts.
 */
export function devicePages(app: FastifyInstance, deps: WebDeps) {
  const { services } = deps;
  const signedIn = (tenant: Tenant, request: FastifyRequest): Promise<Approver | null> =>
    services.browserSessions.current(tenant, request.cookies[ssoCookie]);

  /** Shows the device a code names and asks; a code that names none shows the code form again, saying so. */
  const confirm = async (
    tenant: Tenant,
    request: FastifyRequest,
    reply: FastifyReply,
    approver: Approver,
    typed: string,
  ) => {
    const pending = await lookUp(tenant, request, typed, approver);
    if (!pending) return codeForm(tenant, request, reply, typed, unknownCode);
    return reply.send(confirmPage(tenant, securePage(reply), csrfOf(tenant, request, reply), approver, pending));
  };

  const lookUp = async (tenant: Tenant, request: FastifyRequest, typed: string, approver: Approver | null) => {
    try {
      return await services.deviceAuthorizations.pending(tenant, typed, approver, requestContext(request));
    } catch (error) {
      if (error instanceof BatonError && error.code === 'invalid_user_code') return null;
      throw error;
    }
  };

  const codeForm = (tenant: Tenant, request: FastifyRequest, reply: FastifyReply, typed?: string, error?: string) =>
    reply.send(
      formPage({
        tenant,
        nonce: securePage(reply),
        title: 'Connect a device',
        action: `/${tenant.name}/device`,
        hidden: { csrf: csrfOf(tenant, request, reply) },
        intro: 'Enter the code your TV, car or console shows.',
        fields: [
          {
            name: 'user_code',
            label: 'Code',
            type: 'text',
            autocomplete: 'off',
            hint: 'Eight letters, like BCDF-GHJK',
            ...(typed !== undefined ? { value: typed } : {}),
            ...(error ? { error } : {}),
          },
        ],
        submit: 'Continue',
      }),
    );

  const csrfOf = (tenant: Tenant, request: FastifyRequest, reply: FastifyReply) =>
    deps.csrf.token(request, reply, tenant.name, deps.publicUrl);

  app.get('/:tenant/device', async (request, reply) => {
    const tenant = await tenantOf(services, request);
    const { user_code: typed } = readParams(['user_code'], request.query);
    const approver = await signedIn(tenant, request);
    if (approver && typed) return confirm(tenant, request, reply, approver, typed);
    return codeForm(tenant, request, reply, typed);
  });

  // The code typed: the device it names, or, before that, a sign-in that comes back here.
  app.post('/:tenant/device', async (request, reply) => {
    const tenant = await tenantOf(services, request);
    const p = readParams(['csrf', 'user_code'], formBody(request));
    deps.csrf.verify(request, p.csrf);
    const typed = p.user_code ?? '';
    const approver = await signedIn(tenant, request);
    if (approver) return confirm(tenant, request, reply, approver, typed);
    const pending = await lookUp(tenant, request, typed, null);
    if (!pending) return codeForm(tenant, request, reply, typed, unknownCode);
    const back = `${deps.publicUrl}/${tenant.name}/device?user_code=${encodeURIComponent(pending.userCode)}`;
    return signInFirst(deps, request, reply, tenant, pending.app, back);
  });

  app.post('/:tenant/device/decide', async (request, reply) => {
    const tenant = await tenantOf(services, request);
    const p = readParams(['csrf', 'user_code', 'decision'], formBody(request));
    deps.csrf.verify(request, p.csrf);
    const approver = await signedIn(tenant, request);
    if (!approver) return codeForm(tenant, request, reply, p.user_code);
    const approve = p.decision === 'approve';
    const decided = await services.deviceAuthorizations.decide(tenant, {
      userCode: p.user_code ?? '',
      approve,
      approver,
      context: requestContext(request),
    });
    const nonce = securePage(reply);
    return reply.send(
      approve
        ? messagePage(
            tenant,
            nonce,
            'Device connected',
            `${decided.app.name} on ${decided.device.name} is signed in. You can close this page.`,
          )
        : messagePage(
            tenant,
            nonce,
            'Device not connected',
            `${decided.app.name} on ${decided.device.name} was not signed in.`,
          ),
    );
  });
}

const unknownCode = 'No device is waiting for this code. Check it, or ask the device for a new one.';

function confirmPage(tenant: Tenant, nonce: string, csrf: string, approver: Approver, pending: PendingDevice): string {
  const action = `/${tenant.name}/device/decide`;
  return choicePage({
    tenant,
    nonce,
    title: 'Connect this device?',
    body: html`<p><strong>${pending.app.name}</strong> on <strong>${pending.device.name}</strong> (${pending.device.platform}) asks to sign in as <strong>${approver.user.email}</strong>.</p>
<p class="hint">Only continue if you started this on a device you have in front of you.</p>`,
    confirm: { action, label: 'Approve', hidden: { csrf, user_code: pending.userCode, decision: 'approve' } },
    cancel: {
      action,
      label: 'Deny',
      hidden: { csrf, user_code: pending.userCode, decision: 'deny' },
      hint: 'If you did not start this, deny: the device is told no.',
    },
  });
}
