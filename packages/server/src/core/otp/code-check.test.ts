import { randomBytes, randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { AttemptLimiter } from '../abuse/attempt-limiter.js';
import { RequestThrottle } from '../abuse/request-throttle.js';
import { AuditLog } from '../audit/audit-log.js';
import type { App, Tenant } from '../model.js';
import { expectRejection } from '../testing/domain-expectations.js';
import { type DomainHarness, inMemoryServices, testContext } from '../testing/in-memory-services.js';
import { wrongCode } from '../testing/mail-outbox.js';
import { CodeCheck } from './code-check.js';
import { codePolicy, OneTimeCodes } from './one-time-codes.js';

const address = 'ada@example.com';
const minute = 60_000;

describe('one-time codes, checked', () => {
  let harness: DomainHarness;
  let codes: OneTimeCodes;
  let codeCheck: CodeCheck;
  let tenant: Tenant;
  let app: App;
  let flowId: string;

  beforeEach(async () => {
    harness = inMemoryServices();
    const { clock, repos, outbox } = harness;
    const throttle = new RequestThrottle(repos.requestCounters, clock, { flowStartsPerIpPerMinute: 0 });
    codes = new OneTimeCodes(repos.codes, outbox, throttle, clock, randomBytes(32), undefined);
    codeCheck = new CodeCheck(codes, new AttemptLimiter(repos.rateLimits, clock), new AuditLog(repos.audit, clock));
    ({ tenant, app } = await harness.tenantWithApp());
    flowId = randomUUID();
  });

  const send = () => codes.send(tenant, flowId, address, 'sign-in');
  const check = (code: string) =>
    codeCheck.require({
      app,
      subject: { tenantId: tenant.id, account: 'user-1', ip: testContext.ip },
      userId: 'user-1',
      flowId,
      code,
      context: testContext,
      flow: 'sign_in',
    });
  const storedCodes = () => harness.db.codes.where((code) => code.flowId === flowId);

  it('sends a code of the tenant length, stored only as a keyed digest', async () => {
    expect(await send()).toEqual({ codeLength: 6, interval: codePolicy.resendInterval });
    const sent = harness.outbox.lastCodeTo(address);
    expect(sent).toMatch(/^\d{6}$/);
    const [stored] = storedCodes();
    expect(stored).toMatchObject({ target: address, attempts: 0, consumedAt: null });
    expect(JSON.stringify(stored)).not.toContain(sent);
  });

  it('counts a wrong code, then takes the right one once and answers the address it was sent to', async () => {
    await send();
    const code = harness.outbox.lastCodeTo(address);
    await expectRejection(check(wrongCode(code)), 'invalid_code', /wrong or no longer valid/);
    expect(storedCodes()[0]?.attempts).toBe(1);
    expect(await check(code)).toBe(address);
    expect(storedCodes()[0]?.consumedAt).toBe(harness.clock.now());
    await expectRejection(check(code), 'invalid_code', /wrong or no longer valid/);
  });

  it('kills a code after its wrong attempts, even once the account lockout has passed', async () => {
    await send();
    const code = harness.outbox.lastCodeTo(address);
    for (let attempt = 0; attempt < codePolicy.maxAttempts; attempt++)
      await expectRejection(check(wrongCode(code)), 'invalid_code', /wrong or no longer valid/);
    const locked = await expectRejection(check(code), 'account_locked', /temporarily locked/);
    expect(locked.details.retryAfter).toBe(30);
    expect(await harness.repos.audit.list({ tenantId: tenant.id, type: 'account.locked' })).toHaveLength(1);
    harness.clock.advance(minute);
    await expectRejection(check(code), 'invalid_code', /wrong or no longer valid/);
    expect(storedCodes()[0]?.consumedAt).toBeNull();
  });

  it('expires a code after its lifetime, taking it up to the last millisecond', async () => {
    await send();
    const code = harness.outbox.lastCodeTo(address);
    harness.clock.advance(codePolicy.lifetimeMinutes * minute - 1);
    expect(await check(code)).toBe(address);

    flowId = randomUUID();
    await send();
    harness.clock.advance(codePolicy.lifetimeMinutes * minute);
    await expectRejection(check(harness.outbox.lastCodeTo(address)), 'invalid_code', /expired/);
  });

  it('keeps the code already sent when asked again within the interval, and replaces it after', async () => {
    await send();
    const first = harness.outbox.lastCodeTo(address);
    harness.clock.advance(codePolicy.resendInterval * 1000 - 1);
    await send();
    expect(harness.outbox.codes).toHaveLength(1);
    harness.clock.advance(1);
    await send();
    expect(harness.outbox.codes).toHaveLength(2);
    const second = harness.outbox.lastCodeTo(address);
    // One time in a million the new code has the old one's digits, and then the old one is the right one.
    if (second !== first) await expectRejection(check(first), 'invalid_code', /wrong or no longer valid/);
    expect(await check(second)).toBe(address);
  });
});
