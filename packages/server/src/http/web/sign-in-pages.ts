import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BatonError } from '../../core/errors.js';
import type { SignInResult } from '../../core/flows/steps.js';
import type { App, Tenant } from '../../core/model.js';
import { readParams } from '../../oauth/params.js';
import { deviceHint, requestContext } from '../request-context.js';
import { html, type SafeHtml } from './html.js';
import { finishAuthorization, pageStep, sentToAgain, type PageContext, type WebDeps } from './page-flow.js';
import { formPage, linkButton } from './pages.js';

export interface PageBase {
  tenant: Tenant;
  app: App;
  nonce: string;
  hidden: Record<string, string | undefined>;
}

/** What a refused step says to a person: next to `field`, or as an alert about the whole form. */
export interface Refusal {
  field?: string;
  message: string;
}

/** Every challenge type the app allows, offered in the order the hosted pages prefer. */
export const offered = (app: App) =>
  ['password', 'oob', 'redirect'].filter((t) => app.challengeTypes.includes(t as never)).join(' ');

/** The first page: who are you. Links to sign-up and password reset carry the request along. */
export function identifyPage(p: PageBase & { email?: string | undefined; error?: string; alert?: string }): string {
  const carry = { csrf: p.hidden.csrf, request: p.hidden.request };
  return formPage({
    tenant: p.tenant,
    nonce: p.nonce,
    title: 'Sign in',
    action: `/${p.tenant.name}/login/identify`,
    hidden: carry,
    submit: 'Next',
    intro: `to continue to ${p.app.name}`,
    ...(p.alert ? { alert: p.alert } : {}),
    fields: [
      {
        name: 'email',
        label: 'Email address',
        type: 'email',
        autocomplete: 'username',
        value: p.email ?? '',
        ...(p.error ? { error: p.error } : {}),
      },
    ],
    links: html`<div class="links">${linkButton(`/${p.tenant.name}/signup/start`, 'Create an account', carry)}${linkButton(`/${p.tenant.name}/reset/start`, 'Forgot your password?', carry)}</div>`,
  });
}

export function passwordPage(p: PageBase & { email: string; error?: string; alert?: string }): string {
  return formPage({
    tenant: p.tenant,
    nonce: p.nonce,
    title: 'Enter your password',
    action: `/${p.tenant.name}/login/password`,
    hidden: p.hidden,
    submit: 'Sign in',
    intro: `Signing in as ${p.email}`,
    ...(p.alert ? { alert: p.alert } : {}),
    fields: [
      {
        name: 'password',
        label: 'Password',
        type: 'password',
        autocomplete: 'current-password',
        ...(p.error ? { error: p.error } : {}),
      },
    ],
    links: html`<div class="links">${linkButton(`/${p.tenant.name}/reset/start`, 'Forgot your password?', { csrf: p.hidden.csrf, request: p.hidden.request, email: p.email })}</div>`,
  });
}

/** Any step that asks for an emailed code; `action` says which flow checks it. */
export function codePage(
  p: PageBase & { action: string; title: string; sentTo: string; codeLength: number; error?: string; alert?: string },
): string {
  return formPage({
    tenant: p.tenant,
    nonce: p.nonce,
    title: p.title,
    action: p.action,
    hidden: p.hidden,
    submit: 'Verify',
    ...(p.alert ? { alert: p.alert } : {}),
    fields: [
      {
        name: 'code',
        label: 'Verification code',
        type: 'text',
        autocomplete: 'one-time-code',
        numeric: true,
        hint: `We sent ${p.codeLength === 8 ? 'an' : 'a'} ${p.codeLength}-digit code to ${p.sentTo}. It expires in 10 minutes.`,
        ...(p.error ? { error: p.error } : {}),
      },
    ],
  });
}

/** What a refused step says to a person, next to the field it is about or as an alert. */
export function describeRefusal(error: BatonError): Refusal {
  switch (error.code) {
    case 'user_not_found':
      return { field: 'email', message: 'No account uses this email address.' };
    case 'invalid_username':
      return { field: 'email', message: 'Enter a valid email address.' };
    case 'wrong_password':
      return { field: 'password', message: 'That password is not right.' };
    case 'invalid_code':
      return { field: 'code', message: 'That code is wrong or has expired.' };
    case 'password_blank':
    case 'password_too_short':
    case 'password_too_long':
    case 'password_reused':
    case 'password_banned':
      return { field: 'password', message: `${error.description}.` };
    case 'user_already_exists':
      return { field: 'email', message: 'An account already uses this email address: sign in instead.' };
    case 'continuation_expired':
      return { message: 'This page has expired. Go back to the app and start again.' };
    default:
      return { message: `${error.description}.` };
  }
}

/** A refusal shown on a page: as the error of `field` when it is about that field, else as an alert. */
export function refusalOn(refused: Refusal | undefined, field: string): { error?: string; alert?: string } {
  if (!refused) return {};
  return refused.field === field ? { error: refused.message } : { alert: refused.message };
}

/** Runs a step; a refusal comes back as a message for the page instead of an error response. */
export async function attempt<T>(work: () => Promise<T>): Promise<{ ok: T } | { refused: Refusal; error: BatonError }> {
  try {
    return { ok: await work() };
  } catch (error) {
    if (error instanceof BatonError && !['internal_error', 'origin_not_allowed', 'untrusted_form'].includes(error.code))
      return { refused: describeRefusal(error), error };
    throw error;
  }
}

/** The hosted sign-in: email, then password or emailed code (and a second factor when the app requires one). */
export function signInPages(app: FastifyInstance, deps: WebDeps) {
  const { services } = deps;

  // Back to the first page from sign-up or password reset ("Sign in instead").
  app.post('/:tenant/login/start', async (request, reply) => {
    const c = await pageStep(deps, request, reply);
    const { email } = readParams(['email'], c.body);
    return reply.send(identifyPage({ ...pageBase(c), email }));
  });

  app.post('/:tenant/login/identify', async (request, reply) => {
    const c = await pageStep(deps, request, reply);
    const { email } = readParams(['email'], c.body);
    const started = await attempt(async () => {
      const initiated = await services.nativeSignIn.initiate(c.tenant, c.app, {
        username: email,
        challengeType: offered(c.app),
        capabilities: 'mfa_required',
        client: c.client,
      });
      if (initiated.kind === 'redirect') throw new BatonError('malformed_request', initiated.reason);
      return services.nativeSignIn.challenge(c.tenant, c.app, {
        continuationToken: initiated.continuationToken,
        challengeType: offered(c.app),
      });
    });
    if ('refused' in started)
      return reply.send(identifyPage({ ...pageBase(c), email, error: started.refused.message }));
    const step = started.ok;
    if (step.kind === 'redirect') return reply.send(identifyPage({ ...pageBase(c), email, error: step.reason }));
    const hidden = { ct: step.continuationToken, email };
    if (step.challengeType === 'password')
      return reply.send(passwordPage({ ...pageBase(c, hidden), email: email ?? '' }));
    return reply.send(
      codePage({
        ...pageBase(c, hidden),
        action: `/${c.tenant.name}/login/code`,
        title: 'Check your email',
        sentTo: step.code?.targetLabel ?? '',
        codeLength: step.code?.codeLength ?? c.tenant.codeLength,
      }),
    );
  });

  app.post('/:tenant/login/password', async (request, reply) => {
    const c = await pageStep(deps, request, reply);
    const p = readParams(['ct', 'email', 'password'], c.body);
    return completeSignIn(
      deps,
      reply,
      c,
      () =>
        services.nativeSignIn.signInWithPassword(c.tenant, c.app, {
          continuationToken: p.ct,
          password: p.password,
          scope: c.request.scope,
          device: deviceHint(request),
          context: requestContext(request),
          into: 'browser',
        }),
      (refused) =>
        passwordPage({
          ...pageBase(c, { ct: p.ct, email: p.email }),
          email: p.email ?? '',
          ...refusalOn(refused, 'password'),
        }),
    );
  });

  // The method the user chose on the second-factor page, when the account has several.
  app.post('/:tenant/login/mfa-method', async (request, reply) => {
    const c = await pageStep(deps, request, reply);
    const p = readParams(['ct', 'method'], c.body);
    return sendSecondFactorCode(deps, reply, c, p.ct, p.method);
  });

  app.post('/:tenant/login/code', async (request, reply) => {
    const c = await pageStep(deps, request, reply);
    const p = readParams(['ct', 'email', 'code', 'mfa'], c.body);
    const input = {
      continuationToken: p.ct,
      code: p.code,
      scope: c.request.scope,
      device: deviceHint(request),
      context: requestContext(request),
      into: 'browser' as const,
    };
    return completeSignIn(
      deps,
      reply,
      c,
      () =>
        p.mfa
          ? services.secondFactor.verify(c.tenant, c.app, input)
          : services.nativeSignIn.signInWithCode(c.tenant, c.app, input),
      (refused) =>
        codePage({
          ...pageBase(c, { ct: p.ct, email: p.email, mfa: p.mfa }),
          action: `/${c.tenant.name}/login/code`,
          title: p.mfa ? 'Confirm it is you' : 'Check your email',
          // A second-factor code went to the registered method, not to the address typed.
          sentTo: p.mfa ? 'your verification address' : sentToAgain(p.email),
          codeLength: c.tenant.codeLength,
          ...refusalOn(refused, 'code'),
        }),
    );
  });
}

/** The fields every page of a hosted flow starts from; `extra` adds the step's own hidden state. */
export const pageBase = (c: PageContext, extra: Record<string, string | undefined> = {}): PageBase => ({
  tenant: c.tenant,
  app: c.app,
  nonce: c.nonce,
  hidden: { ...c.hidden, ...extra },
});

/**
 * The last step of any hosted flow (sign-in, sign-up, password reset): back to the app with
 * a code; or on to the second-factor code page when the account has a method registered;
 * or, when the app requires a method this account has not registered (the hosted pages
 * cannot register one), back to the first page saying so. A refusal is shown by
 * `refusedPage`, the step's own page.
 */
export async function completeSignIn(
  deps: WebDeps,
  reply: FastifyReply,
  c: PageContext,
  work: () => Promise<SignInResult>,
  refusedPage: (refused: Refusal) => string,
) {
  const result = await attempt(work);
  if ('refused' in result) return reply.send(refusedPage(result.refused));
  const signedIn = result.ok;
  switch (signedIn.kind) {
    case 'browser':
      return finishAuthorization(deps, reply, c.tenant, c.request, signedIn);
    case 'mfa_required':
      return secondFactorPage(deps, reply, c, signedIn.continuationToken);
    case 'registration_required':
    case 'redirect':
      // About the account, not the address typed: an alert, as docs/hosted-pages.md has it for messages about the whole form.
      return reply.send(
        identifyPage({
          ...pageBase(c),
          alert: 'This app needs a second verification method: set one up in the app first.',
        }),
      );
    case 'tokens':
      throw new BatonError('internal_error', 'Sign-in did not open a browser session');
  }
}

/**
 * Signs the browser in at the end of sign-up or password reset, with the continuation
 * token the flow handed over: the same `grant_type=continuation_token` step as native auth.
 */
export function continueToSignIn(
  deps: WebDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  c: PageContext,
  continuationToken: string,
  email: string | undefined,
) {
  return completeSignIn(
    deps,
    reply,
    c,
    () =>
      deps.services.nativeSignIn.signInWithContinuation(c.tenant, c.app, {
        continuationToken,
        username: email,
        scope: c.request.scope,
        device: deviceHint(request),
        context: requestContext(request),
        into: 'browser',
      }),
    (refused) => identifyPage({ ...pageBase(c), email, error: refused.message }),
  );
}

/** A "Sign in instead" link back to the first page, for sign-up and password reset. */
export function signInInstead(p: PageBase, email: string | undefined): SafeHtml {
  return html`<div class="links">${linkButton(`/${p.tenant.name}/login/start`, 'Sign in instead', { csrf: p.hidden.csrf, request: p.hidden.request, email })}</div>`;
}

/**
 * The second factor: with one registered method, its code is sent at once; with several,
 * the user chooses where the code goes (/login/mfa-method), since the first one may be an
 * address they no longer read, or one they never added.
 */
async function secondFactorPage(deps: WebDeps, reply: FastifyReply, c: PageContext, token: string | undefined) {
  const { continuationToken, methods } = await deps.services.secondFactor.introspect(c.tenant, c.app, token);
  if (methods.length <= 1) return sendSecondFactorCode(deps, reply, c, continuationToken, methods[0]?.id);
  return reply.send(
    formPage({
      tenant: c.tenant,
      nonce: c.nonce,
      title: 'Confirm it is you',
      action: `/${c.tenant.name}/login/mfa-method`,
      hidden: { ...c.hidden, ct: continuationToken },
      submit: 'Send code',
      intro: 'We will send a verification code to the address you choose.',
      fields: [
        {
          name: 'method',
          label: 'Send the code to',
          type: 'choice',
          options: methods.map((m) => ({ value: m.id, label: m.label })),
        },
      ],
    }),
  );
}

/** Sends a code to the registered method `methodId` and asks for it (verified at /login/code). */
async function sendSecondFactorCode(
  { services }: WebDeps,
  reply: FastifyReply,
  c: PageContext,
  token: string | undefined,
  methodId: string | undefined,
) {
  const step = await services.secondFactor.challenge(c.tenant, c.app, {
    continuationToken: token,
    challengeType: 'oob',
    methodId,
  });
  if (step.kind === 'redirect') throw new BatonError('malformed_request', step.reason);
  return reply.send(
    codePage({
      ...pageBase(c, { ct: step.continuationToken, mfa: '1' }),
      action: `/${c.tenant.name}/login/code`,
      title: 'Confirm it is you',
      sentTo: step.code?.targetLabel ?? '',
      codeLength: step.code?.codeLength ?? c.tenant.codeLength,
    }),
  );
}
