import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../core/clock.js';
import type { Services } from '../../core/services.js';
import { readParams } from '../../oauth/params.js';
import { formBody } from '../request-context.js';
import type { Csrf } from '../web/security.js';
import type { Frame } from './console-layout.js';
import { type ConsoleCredential, ConsoleSessions, consolePath } from './console-session.js';
import { ManagementApi, SignInAgain } from './management-api.js';

/** A signed-in operator, on one request. */
export interface Operator {
  credential: ConsoleCredential;
  /** The management API with this operator's credential. */
  api: ManagementApi;
  /** The CSRF token of this browser's forms. */
  csrf: string;
  /** The banner every page shows them. */
  banner: NonNullable<Frame['signedIn']>;
}

export interface ConsoleDeps {
  /** The whole server, which the console calls in-process (the management API, the token endpoint). */
  app: FastifyInstance;
  sessions: ConsoleSessions;
  clock: Clock;
  /** This browser's CSRF token, its cookie scoped to /admin as a tenant's is to /{tenant}. */
  csrfToken(request: FastifyRequest, reply: FastifyReply): string;
  /** Refuses a form post without this browser's CSRF token (403), and reads the named fields. */
  form<const N extends string>(request: FastifyRequest, names: readonly N[]): { [K in N]?: string };
  /** The signed-in operator of a request; without a sign-in, or with an expired one, back to the sign-in page. */
  operator(request: FastifyRequest, reply: FastifyReply): Operator;
  /** The operator a page of this request found, for an error page's banner. */
  operatorOf(request: FastifyRequest): Operator | undefined;
}

/** The options of every console route: its errors (a 405 on another method included) are pages. */
export const page = { config: { wire: 'html' as const } };

/** Registers one group of console pages. */
export type ConsolePages = (scope: FastifyInstance, deps: ConsoleDeps) => void;

/** How the banner names who is signed in. */
function labelOf(credential: ConsoleCredential): string {
  return credential.kind === 'operator'
    ? 'the operator (admin token)'
    : `app ${credential.clientId} of tenant ${credential.tenant}`;
}

export function consoleDeps(app: FastifyInstance, services: Services, publicUrl: string, csrf: Csrf): ConsoleDeps {
  const sessions = new ConsoleSessions(services.cookieSeal, services.clock, publicUrl);
  const operators = new WeakMap<FastifyRequest, Operator>();
  const csrfToken = (request: FastifyRequest, reply: FastifyReply) =>
    csrf.token(request, reply, consolePath.slice(1), publicUrl);
  return {
    app,
    sessions,
    clock: services.clock,
    csrfToken,
    form(request, names) {
      const body = formBody(request);
      csrf.verify(request, readParams(['csrf'], body).csrf);
      return readParams(names, body);
    },
    operator(request, reply) {
      const credential = sessions.read(request);
      if (credential === null) throw new SignInAgain('signed_out');
      if (credential === 'expired') throw new SignInAgain('expired');
      const token = csrfToken(request, reply);
      const operator = {
        credential,
        api: new ManagementApi(app, request, credential.token),
        csrf: token,
        banner: { label: labelOf(credential), csrf: token },
      };
      operators.set(request, operator);
      return operator;
    },
    operatorOf: (request) => operators.get(request),
  };
}
