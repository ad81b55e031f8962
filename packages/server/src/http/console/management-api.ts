import type { FastifyInstance, FastifyRequest } from 'fastify';
import { adminPrefix } from '../admin/admin-api.js';
import { consolePath } from './console-session.js';

/** The fields of the management API's problem details (RFC 9457) that the console shows. */
export interface Problem {
  status: number;
  title: string;
  detail: string;
  code: string;
  /** The request field refused, when the API names one (`name`, `rules[0] ("x").when`). */
  field?: string;
}

export type Answer<T> = { ok: true; status: number; body: T } | { ok: false; status: number; problem: Problem };

/** The API refused what a page needed to show: the console shows its problem in place of the page. */
export class ApiRefusal extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
  }
}

/** The console's credential is missing, expired or no longer accepted: back to the sign-in page. */
export class SignInAgain extends Error {
  constructor(readonly reason: 'signed_out' | 'expired') {
    super(reason);
  }
}

/** A path with every interpolated value encoded as one path segment or query value. */
export function apiPath(strings: TemplateStringsArray, ...values: string[]): string {
  return strings.reduce((out, part, i) => out + part + (i < values.length ? encodeURIComponent(values[i]!) : ''), '');
}

/** A console page's URL: `consoleUrl\`/tenants/${name}\`` is /admin/tenants/<name encoded>. */
export const consoleUrl = (strings: TemplateStringsArray, ...values: string[]): string =>
  `${consolePath}${apiPath(strings, ...values)}`;

/** A query string of the values that are set, `?a=1&b=2`, or nothing. */
export function query(values: Record<string, string | undefined>): string {
  const set = Object.entries(values).filter((entry): entry is [string, string] => !!entry[1]);
  return set.length === 0 ? '' : `?${new URLSearchParams(set).toString()}`;
}

/**
 * The management API, called in-process (Fastify inject) with the operator's credential:
 * the console has no other way to the data, so it can do and see exactly what the API
 * lets that credential do and see. The browser's address and user agent go along, so the
 * audit trail records where a change came from, and the page's correlation id, so its log
 * lines and audit events tie to the API calls it made.
 */
export class ManagementApi {
  constructor(
    private readonly app: FastifyInstance,
    private readonly from: FastifyRequest,
    private readonly token: string,
  ) {}

  /** Any call; a 401 is the caller's to read: the sign-in page checks a credential this way, pages use send or read. */
  async call<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<Answer<T>> {
    const userAgent = this.from.headers['user-agent'];
    const res = await this.app.inject({
      method,
      url: `${adminPrefix}${path}`,
      remoteAddress: this.from.ip,
      headers: {
        authorization: `Bearer ${this.token}`,
        'client-request-id': this.from.id,
        ...(userAgent ? { 'user-agent': userAgent } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    const parsed: unknown = res.body ? JSON.parse(res.body) : undefined;
    return res.statusCode < 400
      ? { ok: true, status: res.statusCode, body: parsed as T }
      : { ok: false, status: res.statusCode, problem: parsed as Problem };
  }

  /** A call whose answer, problem included, the page shows (a change, a search); a credential that stopped working signs out. */
  async send<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<Answer<T>> {
    const answer = await this.call<T>(method, path, body);
    if (answer.status === 401) throw new SignInAgain('expired');
    return answer;
  }

  /** What a page shows: the body, or the API's refusal in place of the page. */
  async read<T>(path: string): Promise<T> {
    const answer = await this.call<T>('GET', path);
    if (answer.status === 401) throw new SignInAgain('expired');
    if (!answer.ok) throw new ApiRefusal(answer.problem);
    return answer.body;
  }
}
