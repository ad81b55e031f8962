import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Tenant } from '../model.js';
import { expectRejection } from '../testing/domain-expectations.js';
import { type DomainHarness, inMemoryServices } from '../testing/in-memory-services.js';
import { auditEventTypeNames } from './audit-event-types.js';

describe('AuditLog', () => {
  let harness: DomainHarness;
  let tenant: Tenant;

  beforeEach(async () => {
    harness = inMemoryServices();
    ({ tenant } = await harness.tenantWithApp());
  });

  it('pages events newest first with a cursor, of one type when asked', async () => {
    for (const n of [1, 2, 3])
      await harness.services.audit.record({ tenantId: tenant.id, type: 'sign_in.failed', data: { n } });
    const first = await harness.services.audit.page(tenant, { type: 'sign_in.failed', limit: 2 });
    expect(first.items.map((event) => event.data)).toEqual([{ n: 3 }, { n: 2 }]);
    const second = await harness.services.audit.page(tenant, {
      type: 'sign_in.failed',
      limit: 2,
      cursor: first.nextCursor!,
    });
    expect(second).toEqual({ items: [expect.objectContaining({ data: { n: 1 } })], nextCursor: null });
  });

  it('refuses an unknown type, naming every known one, rather than answering nothing', async () => {
    const refusal = await expectRejection(
      harness.services.audit.page(tenant, { type: 'sign_in.nope' }),
      'invalid_setting',
    );
    expect(refusal.details.setting).toBe('type');
    for (const type of auditEventTypeNames) expect(refusal.description).toContain(type);
  });

  it('docs/audit.md lists every event type, and no other', () => {
    const page = readFileSync(new URL('../../../../../docs/audit.md', import.meta.url), 'utf8');
    const listed = [...page.matchAll(/^\| `([a-z_]+\.[a-z_.]+)`/gm)].map((match) => match[1]);
    expect(listed.sort()).toEqual([...auditEventTypeNames].sort());
  });
});
