import type { FastifyReply, FastifyRequest } from 'fastify';
import { html } from '../web/html.js';
import { doneNotice, sendPage } from './console-layout.js';
import { type ConsoleDeps, type ConsolePages, page } from './console-deps.js';
import { type ConsoleCredential, consolePath, operatorSignInMs } from './console-session.js';
import { input, postForm } from './forms.js';
import { apiPath, consoleUrl, ManagementApi, type Problem } from './management-api.js';

interface SignInForm {
  tenant?: string | undefined;
  client_id?: string | undefined;
}

const expiredProblem: Problem = {
  status: 401,
  title: 'Signed out',
  detail:
    'Your sign-in has expired or is no longer accepted (an app’s access token lasts as long as the app’s access_token_ttl). Sign in again.',
  code: 'invalid_access_token',
};

function signInPage(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: ConsoleDeps,
  options: { problem?: Problem | undefined; values?: SignInForm } = {},
) {
  const csrf = deps.csrfToken(request, reply);
  const problem = options.problem ?? ((request.query as { expired?: string }).expired ? expiredProblem : undefined);
  const values = options.values ?? {};
  return sendPage(
    reply,
    {
      title: 'Sign in to the console',
      problem,
      notice: doneNotice(request.query, { signed_out: 'You are signed out.' }),
    },
    html`<section class="panel" aria-labelledby="with-token">
<h2 id="with-token">With the admin token</h2>
${postForm(
  `${consolePath}/sign-in`,
  csrf,
  html`<input type="hidden" name="method" value="token">
${input({ name: 'token', label: 'Admin token', type: 'password', required: true, autocomplete: 'off', hint: 'BATON_ADMIN_TOKEN: every tenant' })}`,
  html`<button type="submit">Sign in with the token</button>`,
)}
</section>
<section class="panel" aria-labelledby="with-app">
<h2 id="with-app">With an admin app</h2>
${postForm(
  `${consolePath}/sign-in`,
  csrf,
  html`<input type="hidden" name="method" value="app">
${input({ name: 'tenant', label: 'Tenant', value: values.tenant, required: true })}
${input({ name: 'client_id', label: 'Client ID', value: values.client_id, required: true, autocomplete: 'off' })}
${input({ name: 'client_secret', label: 'Client secret', type: 'password', required: true, autocomplete: 'off', hint: 'An app created with --admin read|write: its own tenant only' })}`,
  html`<button type="submit">Sign in with the app</button>`,
)}
</section>`,
  );
}

/** An OAuth error answer of the token endpoint, as the page shows problems. */
function tokenProblem(status: number, body: { error?: string; error_description?: string }): Problem {
  return {
    status,
    title: body.error ?? 'Token request refused',
    detail: body.error_description ?? 'The token endpoint refused the client credentials',
    code: body.error ?? 'invalid_client',
  };
}

/**
 * The credential a sign-in form gives, checked by a management API call with it: the
 * admin token as it is; an admin app's client credentials exchanged, in-process, at its
 * tenant's token endpoint for an access token.
 */
async function signIn(
  deps: ConsoleDeps,
  request: FastifyRequest,
  fields: { method?: string; token?: string; tenant?: string; client_id?: string; client_secret?: string },
): Promise<{ credential: ConsoleCredential } | { problem: Problem }> {
  const now = deps.clock.now();
  if (fields.method === 'token') {
    const token = fields.token?.trim() ?? '';
    const checked = await new ManagementApi(deps.app, request, token).call('GET', '/tenants?limit=1');
    return checked.ok
      ? { credential: { kind: 'operator', token, expiresAt: now + operatorSignInMs } }
      : { problem: checked.problem };
  }
  const { tenant = '', client_id: clientId = '', client_secret: secret = '' } = fields;
  const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64');
  const issued = await deps.app.inject({
    method: 'POST',
    url: `/${encodeURIComponent(tenant)}/oauth2/v2.0/token`,
    remoteAddress: request.ip,
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'grant_type=client_credentials',
  });
  const body = issued.json() as { access_token?: string; expires_in?: number; error?: string };
  if (issued.statusCode !== 200 || !body.access_token) return { problem: tokenProblem(issued.statusCode, body) };
  const checked = await new ManagementApi(deps.app, request, body.access_token).call(
    'GET',
    apiPath`/tenants/${tenant}`,
  );
  if (!checked.ok) return { problem: checked.problem };
  return {
    credential: {
      kind: 'app',
      token: body.access_token,
      tenant,
      clientId,
      expiresAt: now + (body.expires_in ?? 0) * 1000,
    },
  };
}

/** Sign-in (the admin token, or an admin app's client credentials) and sign-out. */
export const signInPages: ConsolePages = (scope, deps) => {
  scope.get('/sign-in', page, async (request, reply) => signInPage(request, reply, deps));

  scope.post('/sign-in', page, async (request, reply) => {
    const fields = deps.form(request, ['method', 'token', 'tenant', 'client_id', 'client_secret']);
    const result = await signIn(deps, request, fields);
    if ('problem' in result)
      return signInPage(request, reply, deps, {
        problem: result.problem,
        values: { tenant: fields.tenant, client_id: fields.client_id },
      });
    deps.sessions.save(reply, result.credential);
    const { credential } = result;
    return reply.redirect(
      credential.kind === 'app' ? consoleUrl`/tenants/${credential.tenant}` : consoleUrl`/tenants`,
      303,
    );
  });

  scope.post('/sign-out', page, async (request, reply) => {
    deps.form(request, []);
    deps.sessions.clear(reply);
    return reply.redirect(`${consolePath}/sign-in?done=signed_out`, 303);
  });
};
