import { Validator } from '@seriousme/openapi-schema-validator';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { engines } from '../support/databases.js';
import { DocumentCheck, expectProblem, startAdminHarness, type AdminHarness } from './admin-client.js';

describe.each(engines)('the OpenAPI document of the management API, on %s', (engine) => {
  let h: AdminHarness;
  beforeAll(async () => {
    h = await startAdminHarness(engine);
  });
  afterAll(async () => {
    await h?.t.close();
  });

  it('is valid OpenAPI 3.1, needs no credential, and lists the admin routes alone', async () => {
    const res = await fetch(`${h.t.url}/admin/v1/openapi.json`);
    expect(res.status).toBe(200);
    const document = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe('3.1.0');
    const paths = Object.keys(document.paths);
    expect(paths.every((path) => path.startsWith('/admin/v1/'))).toBe(true);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/admin/v1/tenants',
        '/admin/v1/tenants/{tenant}',
        '/admin/v1/tenants/{tenant}/apps',
        '/admin/v1/tenants/{tenant}/apps/{client_id}',
        '/admin/v1/tenants/{tenant}/users',
        '/admin/v1/tenants/{tenant}/users/{id}',
        '/admin/v1/tenants/{tenant}/users/{id}/sessions',
        '/admin/v1/tenants/{tenant}/sessions/{id}',
        '/admin/v1/tenants/{tenant}/audit',
        '/admin/v1/tenants/{tenant}/keys',
        '/admin/v1/tenants/{tenant}/keys/rotate',
      ]),
    );
    expect(paths).not.toContain('/admin/v1/openapi.json');
  });

  it('declares for every operation its success, its problem details, and request bodies that refuse unknown fields', () => {
    for (const [path, operations] of Object.entries(h.check.document.paths))
      for (const [method, operation] of Object.entries(operations)) {
        const statuses = Object.keys(operation.responses);
        expect(
          statuses.some((status) => status.startsWith('2')),
          `${method} ${path}`,
        ).toBe(true);
        for (const status of ['400', '401', '403', '404', '503'])
          expect(
            operation.responses[status]?.content?.['application/problem+json'],
            `${method} ${path} ${status}`,
          ).toBeDefined();
        const body = (
          operation as { requestBody?: { content: Record<string, { schema: { additionalProperties?: boolean } }> } }
        ).requestBody;
        if (body) expect(body.content['application/json']!.schema.additionalProperties).toBe(false);
      }
  });

  it('is what the shared client checks answers against: an answer the document does not describe is caught', () => {
    const problems = (status: number, body: unknown, contentType = 'application/json') =>
      h.check.problems('GET', '/admin/v1/tenants/acme', { status, headers: { 'content-type': contentType }, body });
    expect(problems(200, { id: 1 })).not.toEqual([]);
    expect(problems(418, {})).not.toEqual([]);
    expect(problems(404, { detail: 'no' }, 'application/problem+json')).not.toEqual([]);
    expect(
      new DocumentCheck(h.check.document).problems('POST', '/admin/v1/nowhere', { status: 200, headers: {}, body: {} }),
    ).not.toEqual([]);
  });
});

describe('the management API while PostgreSQL is gone', () => {
  let h: AdminHarness;
  beforeAll(async () => {
    h = await startAdminHarness('postgres');
  });
  afterAll(async () => {
    await h?.t.close();
  });

  it('answers 503 problem details with Retry-After and no detail of the failure', async () => {
    const name = new URL(h.t.server.runtime.config.databaseUrl).pathname.slice(1);
    const admin = new pg.Client({ connectionString: inject('postgresUrl') });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
    } finally {
      await admin.end();
    }
    for (const [method, path, body] of [
      ['GET', '/tenants/acme/apps', undefined],
      ['POST', '/tenants/acme/users', { email: 'outage@example.com' }],
    ] as const) {
      const res = await h.call(method, path, { body });
      expectProblem(res, 503, 'service_unavailable');
      expect(res.headers['retry-after']).toBe('5');
      expect(JSON.stringify(res.body)).not.toMatch(/database ".*" does not exist|pg|postgres|ECONN/i);
    }
  });
});
