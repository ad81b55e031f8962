import type { FastifyInstance } from 'fastify';
import type { App, Tenant, User } from '../../core/model.js';
import { readParams } from '../../oauth/params.js';
import { requestContext } from '../request-context.js';
import { html } from './html.js';
import { finishAuthorization, pageStep, redirectError, type WebDeps } from './page-flow.js';
import { choicePage } from './pages.js';
import { identifyPage, pageBase } from './sign-in-pages.js';

/**
 * "Switch account?": a session transfer token arrived in a browser signed in as another
 * user. The person sees both accounts in full (masks of two addresses can look alike) and
 * chooses. The transfer token rides in the continue form only, unused until then.
 */
export function switchAccountPage(p: {
  tenant: Tenant;
  app: App;
  nonce: string;
  signedIn: User;
  arriving: User;
  hidden: { csrf: string; request: string };
  transferToken: string;
}): string {
  return choicePage({
    tenant: p.tenant,
    nonce: p.nonce,
    title: 'Switch account?',
    body: html`<p>You are signed in as <strong>${p.signedIn.email}</strong>.</p>
<p>${p.app.name} asks to sign you in as <strong>${p.arriving.email}</strong> instead.</p>`,
    confirm: {
      action: `/${p.tenant.name}/login/switch`,
      label: `Continue as ${p.arriving.email}`,
      hidden: { ...p.hidden, transfer: p.transferToken },
    },
    cancel: {
      action: `/${p.tenant.name}/login/cancel`,
      label: 'Cancel',
      hidden: p.hidden,
      hint: `If you did not expect this, cancel: you stay signed in as ${p.signedIn.email}, and ${p.app.name} is told you did not sign in.`,
    },
  });
}

/**
 * The answers to "Switch account?". Continue redeems the transfer token now
 * (`AuthorizeDecisions.switchAccount`). Cancel
 * leaves the browser's session as it is and answers the app `access_denied`: the app asked
 * for the other user, so answering with the one signed in would hand it an identity it
 * did not ask for.
 */
export function switchAccountPages(app: FastifyInstance, deps: WebDeps) {
  const { services } = deps;
  app.post('/:tenant/login/switch', async (request, reply) => {
    const c = await pageStep(deps, request, reply);
    const { transfer } = readParams(['transfer'], c.body);
    const decision = await services.authorizeDecisions.switchAccount(c.tenant, c.app, c.request, {
      transferToken: transfer ?? '',
      context: requestContext(request),
    });
    if (decision.kind === 'signed_in') return finishAuthorization(deps, reply, c.tenant, c.request, decision.browser);
    return reply.send(identifyPage(pageBase(c)));
  });

  app.post('/:tenant/login/cancel', async (request, reply) => {
    const c = await pageStep(deps, request, reply);
    return redirectError(
      reply,
      c.request,
      'access_denied',
      'The user stayed signed in as the account already signed in',
      services.tokens.issuer(c.tenant),
    );
  });
}
