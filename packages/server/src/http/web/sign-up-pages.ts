import type { FastifyInstance } from 'fastify';
import { missingRequiredAttributes } from '../../core/accounts/attributes.js';
import { passwordLimits } from '../../core/credentials/password-policy.js';
import { type AttributeProblem, BatonError } from '../../core/errors.js';
import type { App, AttributeDefinition } from '../../core/model.js';
import { readParams } from '../../oauth/params.js';
import { requestContext } from '../request-context.js';
import { pageStep, sentToAgain, type PageContext, type WebDeps } from './page-flow.js';
import { formPage, type Field } from './pages.js';
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

const makesPasswordAccounts = (app: App) => app.challengeTypes.includes('password');

/** A new password's field, with the policy as its hint (sign-up and password reset). */
export function newPasswordField(name: string, label: string, error: string | undefined): Field {
  return {
    name,
    label,
    type: 'password',
    autocomplete: 'new-password',
    ...(error ? { error } : {}),
    hint: `At least ${passwordLimits.minLength} characters, and not one that is common or known from breaches.`,
  };
}

/** The first page: the email address, and a password when the app makes password accounts. */
export function signUpPage(p: PageBase & { email?: string | undefined; refused?: Refusal }): string {
  const email = refusalOn(p.refused, 'email');
  const password = refusalOn(p.refused, 'password');
  const aboutAField = p.refused?.field === 'email' || p.refused?.field === 'password';
  return formPage({
    tenant: p.tenant,
    nonce: p.nonce,
    title: 'Create an account',
    action: `/${p.tenant.name}/signup/submit`,
    hidden: p.hidden,
    submit: 'Continue',
    intro: `to continue to ${p.app.name}`,
    ...(p.refused && !aboutAField ? { alert: p.refused.message } : {}),
    fields: [
      {
        name: 'email',
        label: 'Email address',
        type: 'email',
        autocomplete: 'username',
        value: p.email ?? '',
        hint: 'We will send a code to this address to check it is yours.',
        ...(email.error ? { error: email.error } : {}),
      },
      ...(makesPasswordAccounts(p.app) ? [newPasswordField('password', 'Password', password.error)] : []),
    ],
    links: signInInstead(p, p.email),
  });
}

/** The required attributes the app asks for, after the email is verified. */
export function attributesPage(
  p: PageBase & { values?: Record<string, string>; errors?: Record<string, string>; alert?: string },
): string {
  return formPage({
    tenant: p.tenant,
    nonce: p.nonce,
    title: 'About you',
    action: `/${p.tenant.name}/signup/attributes`,
    hidden: p.hidden,
    submit: 'Create account',
    ...(p.alert ? { alert: p.alert } : {}),
    intro: `${p.app.name} needs a little more information to create your account.`,
    fields: requiredAttributes(p.app).map((d) => ({
      name: fieldName(d),
      label: labelOf(d.name),
      type: d.type === 'boolean' ? 'checkbox' : 'text',
      ...(d.type === 'number' ? { numeric: true } : {}),
      ...(p.values?.[d.name] !== undefined ? { value: p.values[d.name] } : {}),
      ...(p.errors?.[d.name] ? { error: p.errors[d.name] } : {}),
    })),
  });
}

/**
 * The hosted sign-up, on the same domain flow as native-auth sign-up: email (and password)
 * up front, then the emailed code, then the app's required attributes, then the browser is
 * signed in with the flow's continuation token and the authorization finishes.
 */
export function signUpPages(app: FastifyInstance, deps: WebDeps) {
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
      action: `/${c.tenant.name}/signup/code`,
      title: 'Verify your email',
      sentTo,
      codeLength,
      ...refusalOn(refused, 'code'),
    });

  app.post('/:tenant/signup/start', async (request, reply) => {
    const c = await pageStep(deps, request, reply);
    return reply.send(signUpPage(pageBase(c)));
  });

  app.post('/:tenant/signup/submit', async (request, reply) => {
    const c = await pageStep(deps, request, reply);
    const p = readParams(['email', 'password'], c.body);
    const started = await attempt(async () => {
      const step = await services.signUp.start(c.tenant, c.app, {
        // A password app takes the password here, so an empty field is refused now rather than after the code.
        username: p.email,
        password: makesPasswordAccounts(c.app) ? (p.password ?? '') : undefined,
        attributes: undefined,
        challengeType: offered(c.app),
        capabilities: 'mfa_required',
        client: c.client,
      });
      if (step.kind === 'redirect')
        throw new BatonError('malformed_request', 'This app does not let people create accounts here');
      const sent = await services.signUp.challenge(c.tenant, c.app, {
        continuationToken: step.continuationToken,
        challengeType: offered(c.app),
      });
      if (sent.kind === 'redirect')
        throw new BatonError('malformed_request', 'This app does not let people create accounts here');
      return sent;
    });
    if ('refused' in started)
      return reply.send(signUpPage({ ...pageBase(c), email: p.email, refused: started.refused }));
    const { continuationToken, code } = started.ok;
    return reply.send(
      codeStep(c, continuationToken, p.email, code?.targetLabel ?? '', code?.codeLength ?? c.tenant.codeLength),
    );
  });

  app.post('/:tenant/signup/code', async (request, reply) => {
    const c = await pageStep(deps, request, reply);
    const p = readParams(['ct', 'email', 'code'], c.body);
    const verified = await attempt(() =>
      services.signUp.continue(c.tenant, c.app, {
        continuationToken: p.ct,
        grantType: 'oob',
        code: p.code,
        password: undefined,
        attributes: undefined,
        context: requestContext(request),
      }),
    );
    if ('refused' in verified)
      return reply.send(codeStep(c, p.ct, p.email, sentToAgain(p.email), c.tenant.codeLength, verified.refused));
    const step = verified.ok;
    if (step.kind === 'attributes_required')
      return reply.send(attributesPage(pageBase(c, { ct: step.continuationToken, email: p.email })));
    // The hosted sign-up takes the password up front and has no password step: should the flow still ask, say so.
    if (step.kind === 'credential_required')
      return reply.send(codeStep(c, p.ct, p.email, sentToAgain(p.email), c.tenant.codeLength, passwordMissing));
    return continueToSignIn(deps, request, reply, c, step.continuationToken, p.email);
  });

  app.post('/:tenant/signup/attributes', async (request, reply) => {
    const c = await pageStep(deps, request, reply);
    const p = readParams(['ct', 'email'], c.body);
    const values = Object.fromEntries(
      requiredAttributes(c.app)
        .map((d) => [d.name, c.body[fieldName(d)]] as const)
        .filter((e): e is [string, string] => typeof e[1] === 'string' && e[1].trim() !== ''),
    );
    const done = await attempt(() =>
      services.signUp.continue(c.tenant, c.app, {
        continuationToken: p.ct,
        grantType: 'attributes',
        code: undefined,
        password: undefined,
        attributes: JSON.stringify(values),
        context: requestContext(request),
      }),
    );
    if ('refused' in done) {
      const errors = invalidAttributeErrors(done.error);
      return reply.send(
        attributesPage({
          ...pageBase(c, { ct: p.ct, email: p.email }),
          values,
          errors,
          ...(Object.keys(errors).length ? {} : { alert: done.refused.message }),
        }),
      );
    }
    const step = done.ok;
    if (step.kind === 'attributes_required') {
      return reply.send(
        attributesPage({
          ...pageBase(c, { ct: step.continuationToken, email: p.email }),
          values,
          errors: missingAttributeErrors(c.app, step.attributes),
        }),
      );
    }
    if (step.kind === 'credential_required')
      return reply.send(
        attributesPage({ ...pageBase(c, { ct: p.ct, email: p.email }), values, alert: passwordMissing.message }),
      );
    return continueToSignIn(deps, request, reply, c, step.continuationToken, p.email);
  });
}

/** What the hosted sign-up says if the flow still wants a password it was given at the start. */
const passwordMissing: Refusal = { message: 'A password is required to finish creating the account.' };

/** The attributes the app requires (all of them are missing: the hosted sign-up asks for none earlier). */
function requiredAttributes(app: App) {
  return missingRequiredAttributes(app, {});
}

const fieldName = (d: Pick<AttributeDefinition, 'name'>) => `attribute-${d.name}`;

/** `displayName` -> "Display name". */
const labelOf = (name: string) => {
  const words = name
    .replace(/_/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** An error next to each required attribute still missing. */
function missingAttributeErrors(app: App, missing: readonly AttributeProblem[]): Record<string, string> {
  const types = new Map(requiredAttributes(app).map((d) => [d.name, d.type]));
  return Object.fromEntries(
    missing.map(({ name }) => [
      name,
      types.get(name) === 'boolean' ? 'Tick this box to continue.' : 'This is required.',
    ]),
  );
}

/** An error next to each attribute the flow refused as not an accepted value. */
function invalidAttributeErrors(error: BatonError): Record<string, string> {
  const refused = error.code === 'invalid_attributes' ? (error.details.attributes ?? []) : [];
  return Object.fromEntries(refused.map(({ name }) => [name, 'This value is not accepted: check it and try again.']));
}
