import type { FastifyInstance } from 'fastify';
import { BatonError } from '../../core/errors.js';
import type { App, Tenant } from '../../core/model.js';
import { param, readParams } from '../../oauth/params.js';
import { deviceHint, requestContext } from '../request-context.js';
import { html } from './html.js';
import { finishAuthorization, isBrowserSignIn, pageStep, type PageContext, type WebDeps } from './page-flow.js';
import { formPage, linkButton } from './pages.js';

interface PageBase {
  tenant: Tenant;
  app: App;
  nonce: string;
  hidden: Record<string, string | undefined>;
}

const offered = (app: App) => ['password', 'oob', 'redirect'].filter((t) => app.challengeTypes.includes(t as never)).join(' ');

/** The first page: who are you. Links to sign-up and password reset carry the request along. */
export function identifyPage(p: PageBase & { email?: string | undefined; error?: string }): string {
  const carry = { csrf: p.hidden.csrf, request: p.hidden.request };
  return formPage({
    tenant: p.tenant, nonce: p.nonce, title: 'Sign in', action: `/${p.tenant.name}/login/identify`, hidden: carry, submit: 'Next',
    intro: `to continue to ${p.app.name}`,
    fields: [{ name: 'email', label: 'Email address', type: 'email', autocomplete: 'username', value: p.email ?? '', ...(p.error ? { error: p.error } : {}) }],
    links: html`<div class="links">${linkButton(`/${p.tenant.name}/signup/start`, 'Create an account', carry)}${linkButton(`/${p.tenant.name}/reset/start`, 'Forgot your password?', carry)}</div>`,
  });
}

export function passwordPage(p: PageBase & { email: string; error?: string; alert?: string }): string {
  return formPage({
    tenant: p.tenant, nonce: p.nonce, title: 'Enter your password', action: `/${p.tenant.name}/login/password`, hidden: p.hidden, submit: 'Sign in',
    intro: `Signing in as ${p.email}`, ...(p.alert ? { alert: p.alert } : {}),
    fields: [{ name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password', ...(p.error ? { error: p.error } : {}) }],
    links: html`<div class="links">${linkButton(`/${p.tenant.name}/reset/start`, 'Forgot your password?', { csrf: p.hidden.csrf, request: p.hidden.request })}</div>`,
  });
}

/** Any step that asks for an emailed code; `action` says which flow checks it. */
export function codePage(p: PageBase & { action: string; title: string; sentTo: string; codeLength: number; error?: string; alert?: string }): string {
  return formPage({
    tenant: p.tenant, nonce: p.nonce, title: p.title, action: p.action, hidden: p.hidden, submit: 'Verify',
    ...(p.alert ? { alert: p.alert } : {}),
    fields: [{
      name: 'code', label: 'Verification code', type: 'text', autocomplete: 'one-time-code', numeric: true,
      hint: `We sent a ${p.codeLength}-digit code to ${p.sentTo}. It expires in 10 minutes.`, ...(p.error ? { error: p.error } : {}),
    }],
  });
}

/** What a refused step says to a person, next to the field it is about or as an alert. */
export function describeRefusal(error: BatonError): { field?: string; message: string } {
  if (error.code === 'user_not_found') return { field: 'email', message: 'No account uses this email address.' };
  if (error.details.errorCodes?.includes(90100)) return { field: 'email', message: 'Enter a valid email address.' };
  if (error.details.errorCodes?.includes(50126)) return { field: 'password', message: 'That password is not right.' };
  if (error.details.suberror === 'invalid_oob_value') return { field: 'code', message: 'That code is wrong or has expired.' };
  if (error.details.suberror?.startsWith('password_')) return { field: 'password', message: `${error.description}.` };
  if (error.code === 'user_already_exists') return { field: 'email', message: 'An account already uses this email address: sign in instead.' };
  if (error.code === 'expired_token') return { message: 'This page has expired. Go back to the app and start again.' };
  return { message: `${error.description}.` };
}

/** Runs a step; a refusal comes back as a message for the page instead of an error response. */
export async function attempt<T>(work: () => Promise<T>): Promise<{ ok: T } | { refused: { field?: string; message: string }; error: BatonError }> {
  try {
    return { ok: await work() };
  } catch (error) {
    if (error instanceof BatonError && error.code !== 'server_error' && error.code !== 'access_denied') return { refused: describeRefusal(error), error };
    throw error;
  }
}

/** The hosted sign-in: email, then password or emailed code (and a second factor when the app requires one). */
export function signInPages(app: FastifyInstance, deps: WebDeps) {
  const { services } = deps;
  const base = (c: PageContext, extra: Record<string, string | undefined> = {}) => ({ tenant: c.tenant, app: c.app, nonce: c.nonce, hidden: { ...c.hidden, ...extra } });

  app.post('/:tenant/login/identify', async (request, reply) => {
    const c = await pageStep(deps, request, reply);
    const { email } = readParams({ email: param().optional() }, c.body);
    const started = await attempt(async () => {
      const initiated = await services.nativeSignIn.initiate(c.tenant, c.app, { username: email, challengeType: offered(c.app), capabilities: 'mfa_required' });
      if (initiated.kind === 'redirect') throw new BatonError('invalid_request', initiated.reason);
      return services.nativeSignIn.challenge(c.tenant, c.app, { continuationToken: initiated.continuationToken, challengeType: offered(c.app) });
    });
    if ('refused' in started) return reply.send(identifyPage({ ...base(c), email, error: started.refused.message }));
    const step = started.ok;
    if (step.kind === 'redirect') return reply.send(identifyPage({ ...base(c), email, error: step.reason }));
    const hidden = { ct: step.continuationToken, email };
    if (step.challengeType === 'password') return reply.send(passwordPage({ ...base(c, hidden), email: email ?? '' }));
    return reply.send(codePage({ ...base(c, hidden), action: `/${c.tenant.name}/login/code`, title: 'Check your email', sentTo: step.code?.targetLabel ?? '', codeLength: step.code?.codeLength ?? c.tenant.codeLength }));
  });

  app.post('/:tenant/login/password', async (request, reply) => {
    const c = await pageStep(deps, request, reply);
    const p = readParams({ ct: param().optional(), email: param().optional(), password: param().optional() }, c.body);
    const result = await attempt(() => services.nativeSignIn.signInWithPassword(c.tenant, c.app, {
      continuationToken: p.ct, password: p.password, scope: c.request.scope, device: deviceHint(request), context: requestContext(request), into: 'browser',
    }));
    if ('refused' in result) {
      if (result.error.details.suberror === 'mfa_required') return secondFactorPage(c, result.error.details.continuationToken);
      return reply.send(passwordPage({ ...base(c, { ct: p.ct, email: p.email }), email: p.email ?? '', ...(result.refused.field === 'password' ? { error: result.refused.message } : { alert: result.refused.message }) }));
    }
    if (!isBrowserSignIn(result.ok)) throw new BatonError('server_error', 'Sign-in did not open a browser session');
    return finishAuthorization(deps, reply, c.tenant, c.request, result.ok);

    async function secondFactorPage(ctx: PageContext, token: string | undefined) {
      const methods = await services.secondFactor.introspect(ctx.tenant, ctx.app, token);
      const step = await services.secondFactor.challenge(ctx.tenant, ctx.app, { continuationToken: methods.continuationToken, challengeType: 'oob', methodId: methods.methods[0]?.id });
      if (step.kind === 'redirect') throw new BatonError('invalid_request', step.reason);
      return reply.send(codePage({ ...base(ctx, { ct: step.continuationToken, mfa: '1' }), action: `/${ctx.tenant.name}/login/code`, title: 'Confirm it is you', sentTo: step.code?.targetLabel ?? '', codeLength: step.code?.codeLength ?? ctx.tenant.codeLength }));
    }
  });

  app.post('/:tenant/login/code', async (request, reply) => {
    const c = await pageStep(deps, request, reply);
    const p = readParams({ ct: param().optional(), email: param().optional(), code: param().optional(), mfa: param().optional() }, c.body);
    const input = { continuationToken: p.ct, code: p.code, scope: c.request.scope, device: deviceHint(request), context: requestContext(request), into: 'browser' as const };
    const result = await attempt(() => (p.mfa ? services.secondFactor.verify(c.tenant, c.app, input) : services.nativeSignIn.signInWithCode(c.tenant, c.app, input)));
    if ('refused' in result) {
      if (result.error.details.suberror === 'registration_required') {
        return reply.send(identifyPage({ ...base(c), email: p.email, error: 'This app needs a second verification method: set one up in the app first.' }));
      }
      return reply.send(codePage({
        ...base(c, { ct: p.ct, email: p.email, mfa: p.mfa }), action: `/${c.tenant.name}/login/code`, title: 'Check your email', sentTo: 'your email address',
        codeLength: c.tenant.codeLength, ...(result.refused.field === 'code' ? { error: result.refused.message } : { alert: result.refused.message }),
      }));
    }
    if (!isBrowserSignIn(result.ok)) throw new BatonError('server_error', 'Sign-in did not open a browser session');
    return finishAuthorization(deps, reply, c.tenant, c.request, result.ok);
  });
}
