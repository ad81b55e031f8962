import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/databases.js';
import { type AdminAnswer, type AdminHarness, startAdminHarness } from './admin-client.js';

type Method = 'GET' | 'POST' | 'DELETE' | 'PATCH' | 'PUT';

/** Values for a path parameter: a real one, missing ones, and hostile ones. */
const pathValues = (name: string, real: string): string[] => [
  ...(name === 'tenant' ? [real] : [randomUUID()]),
  'no-such-thing',
  'x'.repeat(300),
  '%00',
  '..%2F..%2Fetc',
  '%E2%80%AE%F0%9F%92%A5',
  "'%20OR%201=1--",
];

/** Bodies for a write: none, not JSON, JSON of the wrong shape, too big, too deep, unknown fields. */
const bodies: unknown[] = [
  undefined,
  '{',
  '[]',
  'null',
  '"text"',
  '12',
  { unknown_field: true },
  { name: 42, email: ['a@example.com'], type: {}, limit: 'many' },
  { name: 'x'.repeat(70_000) },
  JSON.parse(`${'{"a":'.repeat(200)}1${'}'.repeat(200)}`),
  { email: '\u0000@example.com', display_name: '\u001b[31mred', theme: { color: 'javascript:alert(1)' } },
];

const queries = [
  '',
  '?limit=-1',
  '?limit=abc',
  '?limit=100000',
  '?cursor=%40%40%40',
  `?cursor=${'A'.repeat(5000)}`,
  '?since=yesterday&until=0',
  '?type=nope&email=%00',
];

describe.each(engines)('the management API under a bad-input corpus, on %s', (engine) => {
  let h: AdminHarness;
  beforeAll(async () => {
    h = await startAdminHarness(engine);
  });
  afterAll(async () => {
    await h?.t.close();
  });

  /** No 5xx, no stack trace, and (through the harness) an answer the OpenAPI document describes. */
  function expectHandled(method: Method, path: string, answer: AdminAnswer) {
    const where = `${method} ${path} -> ${answer.status} ${JSON.stringify(answer.body)?.slice(0, 300)}`;
    expect(answer.status, where).toBeLessThan(500);
    if (answer.status >= 400) expect(answer.headers['content-type'], where).toMatch(/^application\/problem\+json/);
    expect(JSON.stringify(answer.body ?? ''), where).not.toMatch(/\bat .+:\d+:\d+|node_modules|Error:/);
  }

  it('answers every route with a clear 4xx, never a 5xx or a stack trace', async () => {
    const operations = Object.entries(h.check.document.paths).flatMap(([template, methods]) =>
      Object.keys(methods)
        .filter((method) => ['get', 'post', 'patch', 'delete', 'put'].includes(method))
        .map((method) => ({ template: template.replace('/admin/v1', ''), method: method.toUpperCase() as Method })),
    );
    expect(operations.length).toBeGreaterThanOrEqual(15);
    let requests = 0;
    for (const { template, method } of operations) {
      const names = [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
      // Each parameter varies in turn while the others keep a plausible value.
      const paths = new Set<string>();
      for (const varied of names.length ? names : ['']) {
        for (const value of pathValues(varied, h.t.tenant.name)) {
          let path = template;
          for (const name of names)
            path = path.replace(
              `{${name}}`,
              name === varied ? value : name === 'tenant' ? h.t.tenant.name : randomUUID(),
            );
          // Deleting the test tenant itself would end the corpus early; every other value goes.
          if (!(method === 'DELETE' && template === '/tenants/{tenant}' && value === h.t.tenant.name)) paths.add(path);
        }
      }
      for (const path of paths) {
        const variants =
          method === 'GET'
            ? queries.map((query) => ({ query, body: undefined }))
            : bodies.map((body) => ({ query: '', body }));
        for (const { query, body } of variants) {
          expectHandled(method, path + query, await h.call(method, path + query, { body }));
          requests += 1;
        }
      }
    }
    expect(requests).toBeGreaterThan(300);
  }, 180_000);

  it('refuses a wrong content type, an unknown method and a body where none belongs with problem details', async () => {
    const tenant = `/tenants/${h.t.tenant.name}`;
    const cases: Array<[Method, string, Parameters<AdminHarness['call']>[2]]> = [
      ['POST', `${tenant}/users`, { body: 'email=a@example.com', headers: { 'content-type': 'text/plain' } }],
      ['PUT', `${tenant}/users`, { body: {} }],
      ['DELETE', `${tenant}/users/${randomUUID()}`, { body: 'not json' }],
    ];
    for (const [method, path, options] of cases) expectHandled(method, path, await h.call(method, path, options));
  });
});
