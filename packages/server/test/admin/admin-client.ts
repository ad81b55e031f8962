import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { expect } from 'vitest';
import type { Config } from '../../src/config/config.js';
import type { AuditQuery, ListedAuditEvent } from '../../src/core/audit/audit-log.js';
import type { App } from '../../src/core/model.js';
import { adminPrefix } from '../../src/http/admin/admin-api.js';
import type { EngineName } from '../support/databases.js';
import { postForm, type JsonAnswer } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { basicAuth } from '../support/tokens.js';

export const operatorToken = 'operator-token-0123456789abcdefghijklmnopqrstuvwxyz';

export interface AdminAnswer {
  status: number;
  headers: Record<string, string>;
  body: JsonAnswer;
}

type OpenApiDocument = {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>
  >;
};

/**
 * Checks an answer against the OpenAPI document the server serves: the schema of the
 * operation's declared status and media type. An answer to a path or method the document
 * does not list (404 for an unknown path, 405) must still be problem details.
 */
export class DocumentCheck {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly compiled = new Map<object, ValidateFunction>();
  private readonly templates: Array<{ path: string; pattern: RegExp; params: number }>;
  private readonly problem: object;

  constructor(readonly document: OpenApiDocument) {
    addFormats.default(this.ajv);
    this.templates = Object.keys(document.paths).map((path) => ({
      path,
      pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
      params: (path.match(/\{/g) ?? []).length,
    }));
    const anyOperation = Object.values(Object.values(document.paths)[0]!)[0]!;
    this.problem = anyOperation.responses['401']!.content!['application/problem+json']!.schema;
  }

  /** The problems of an answer, empty when the document describes it. */
  problems(method: string, url: string, answer: AdminAnswer): string[] {
    const path = url.split('?')[0]!;
    const template = this.templates.filter((t) => t.pattern.test(path)).sort((a, b) => a.params - b.params)[0];
    const operation = template && this.document.paths[template.path]![method.toLowerCase()];
    const mediaType = String(answer.headers['content-type'] ?? '').split(';')[0]!;
    let schema: object | undefined;
    if (!operation) {
      if (answer.status < 400)
        return [`${method} ${path} answered ${answer.status} but the document has no such operation`];
      schema = this.problem;
      if (mediaType !== 'application/problem+json') return [`${method} ${path}: ${mediaType} is not problem details`];
    } else {
      const response = operation.responses[String(answer.status)];
      if (!response)
        return [`${method} ${template!.path} answered ${answer.status}, which the document does not declare`];
      schema = response.content?.[mediaType]?.schema;
      if (!schema) return [`${method} ${template!.path} ${answer.status}: no schema for ${mediaType}`];
    }
    let validate = this.compiled.get(schema);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.compiled.set(schema, validate);
    }
    return validate(answer.body)
      ? []
      : [
          `${method} ${path} ${answer.status}: ${this.ajv.errorsText(validate.errors)} in ${JSON.stringify(answer.body)}`,
        ];
  }
}

export interface AdminHarness {
  t: TestServer;
  check: DocumentCheck;
  /** Calls the management API; every answer is checked against the served OpenAPI document. */
  call(
    method: 'GET' | 'POST' | 'DELETE' | 'PUT' | 'PATCH',
    path: string,
    options?: { token?: string | null; body?: unknown; headers?: Record<string, string> },
  ): Promise<AdminAnswer>;
  /** The tenant's audit events (the test tenant's by default), newest first, as the services recorded them. */
  events(query: AuditQuery, tenant?: TestServer['tenant']): Promise<ListedAuditEvent[]>;
  /** A client_credentials access token of a new confidential app of the test tenant with this admin level. */
  appToken(admin: App['admin'], tenant?: TestServer['tenant']): Promise<string>;
}

/** A test server with the management API on, the operator token set, and a checked client. */
export async function startAdminHarness(engine: EngineName, config: Partial<Config> = {}): Promise<AdminHarness> {
  const t = await startTestServer({ engine, config: { adminToken: operatorToken, adminApi: true, ...config } });
  const served = await fetch(`${t.url}${adminPrefix}/openapi.json`);
  expect(served.status).toBe(200);
  const check = new DocumentCheck((await served.json()) as OpenApiDocument);
  return {
    t,
    check,
    async call(method, path, { token = operatorToken, body, headers = {} } = {}) {
      const url = `${adminPrefix}${path}`;
      // Over a real connection (the server's own socket handling included), as every suite here talks to Baton.
      const res = await fetch(`${t.url}${url}`, {
        method,
        headers: {
          ...(token !== null ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      const answer = {
        status: res.status,
        headers: Object.fromEntries(res.headers.entries()),
        body: text ? JSON.parse(text) : undefined,
      };
      expect(check.problems(method, url, answer)).toEqual([]);
      return answer;
    },
    async events(query, tenant = t.tenant) {
      return (await t.services.audit.page(tenant, { limit: 1000, ...query })).items;
    },
    async appToken(admin, tenant = t.tenant) {
      const { app, clientSecret } = await t.services.apps.register(tenant, {
        name: `Admin ${admin}`,
        type: 'confidential',
        admin,
      });
      const res = await postForm(
        `${t.url}/${tenant.name}/oauth2/v2.0/token`,
        { grant_type: 'client_credentials' },
        basicAuth(app.clientId, clientSecret!),
      );
      expect(res.status).toBe(200);
      return res.body.access_token as string;
    },
  };
}

/** Asserts a problem details answer: status, type URI and media type. */
export function expectProblem(answer: AdminAnswer, status: number, code: string): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(answer.body).toMatchObject({ type: `https://baton.dev/problems/${code}`, status, code });
  expect(JSON.stringify(answer.body)).not.toMatch(/\bat .+:\d+:\d+/);
}
