import type { FastifyInstance } from 'fastify';
import { BatonError } from '../../core/errors.js';
import { readParams } from '../../oauth/params.js';
import { requestContext } from '../request-context.js';
import { pageStep, sentToAgain, type PageContext, type WebDeps } from './page-flow.js';
import { formPage } from './pages.js';
import {
  attempt,
  codePage,
  continueToSignIn,
  offered,
  pageBase,
  refusalOn,
  signInInstead,
  type PageBase,
  type Refusal,
} from './sign-in-pages.js';
import { newPasswordField } from './sign-up-pages.js';

export function resetEmailPage(p: PageBase & { email?: string | undefined; refused?: Refusal }): string {
  const { error, alert } = refusalOn(p.refused, 'email');
  return formPage({
    tenant: p.tenant,
    nonce: p.nonce,
    title: 'Reset your password',
    action: `/${p.tenant.name}/reset/email`,
    hidden: p.hidden,
    submit: 'Send code',
    intro: 'Enter the email address of your account and we will send it a code.',
    ...(alert ? { alert } : {}),
    fields: [
      {
        name: 'email',
        label: 'Email address',
        type: 'email',
        autocomplete: 'username',
        value: p.email ?? '',
        ...(error ? { error } : {}),
      },
    ],
    links: signInInstead(p, p.email),
  });
}

export function resetPasswordPage(p: PageBase & { refused?: Refusal }): string {
  const { error, alert } = refusalOn(p.refused, 'password');
  return formPage({
    tenant: p.tenant,
    nonce: p.nonce,
    title: 'Choose a new password',
    action: `/${p.tenant.name}/reset/password`,
    hidden: p.hidden,
    submit: 'Save and sign in',
    intro: 'You will be signed out everywhere else.',
    ...(alert ? { alert } : {}),
    fields: [newPasswordField('password', 'New password', error)],
  });
}

/**
 * The hosted password reset, on the same domain flow as native-auth reset: email, emailed
 * code, new password (every other session of the account ends), then the browser is signed
 * in with the flow's continuation token and the authorization finishes.
 */
export function resetPages(app: FastifyInstance, deps: WebDeps) {
  const { services } = deps;
  const codeStep = (
    c: PageContext,
    ct: string | undefined,
    email: string | undefined,
    sentTo: string,
    codeLength: number,
    refused?: Refusal,
  ) =>
    codePage({
      ...pageBase(c, { ct, email }),
      action: `/${c.tenant.name}/reset/code`,
      title: 'Check your email',
      sentTo,
      codeLength,
      ...refusalOn(refused, 'code'),
    });

  app.post('/:tenant/reset/start', async (request, reply) => {
    const c = await pageStep(deps, request, reply);
    const { email } = readParams(['email'], c.body);
    return reply.send(resetEmailPage({ ...pageBase(c), email }));
  });

  app.post('/:tenant/reset/email', async (request, reply) => {
    const c = await pageStep(deps, request, reply);
    const { email } = readParams(['email'], c.body);
    const started = await attempt(async () => {
      const step = await services.passwordReset.start(c.tenant, c.app, {
        username: email,
        challengeType: offered(c.app),
        capabilities: 'mfa_required',
        client: c.client,
      });
      const sent =
        step.kind === 'continue'
          ? await services.passwordReset.challenge(c.tenant, c.app, {
              continuationToken: step.continuationToken,
              challengeType: offered(c.app),
            })
          : step;
      if (sent.kind === 'redirect')
        throw new BatonError('malformed_request', 'This app does not let people reset their password here');
      return sent;
    });
    if ('refused' in started) return reply.send(resetEmailPage({ ...pageBase(c), email, refused: started.refused }));
    const { continuationToken, code } = started.ok;
    return reply.send(
      codeStep(c, continuationToken, email, code?.targetLabel ?? '', code?.codeLength ?? c.tenant.codeLength),
    );
  });

  app.post('/:tenant/reset/code', async (request, reply) => {
    const c = await pageStep(deps, request, reply);
    const p = readParams(['ct', 'email', 'code'], c.body);
    const verified = await attempt(() =>
      services.passwordReset.continue(c.tenant, c.app, {
        continuationToken: p.ct,
        grantType: 'oob',
        code: p.code,
        context: requestContext(request),
      }),
    );
    if ('refused' in verified)
      return reply.send(codeStep(c, p.ct, p.email, sentToAgain(p.email), c.tenant.codeLength, verified.refused));
    return reply.send(resetPasswordPage(pageBase(c, { ct: verified.ok, email: p.email })));
  });

  app.post('/:tenant/reset/password', async (request, reply) => {
    const c = await pageStep(deps, request, reply);
    const p = readParams(['ct', 'email', 'password'], c.body);
    const context = requestContext(request);
    const changed = await attempt(async () => {
      const submitted = await services.passwordReset.submit(c.tenant, c.app, {
        continuationToken: p.ct,
        newPassword: p.password ?? '',
        context,
      });
      return (await services.passwordReset.poll(c.tenant, c.app, submitted.continuationToken)).continuationToken;
    });
    if ('refused' in changed)
      return reply.send(resetPasswordPage({ ...pageBase(c, { ct: p.ct, email: p.email }), refused: changed.refused }));
    return continueToSignIn(deps, request, reply, c, changed.ok, p.email);
  });
}
