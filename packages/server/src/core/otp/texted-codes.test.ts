import { randomBytes, randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { RequestThrottle, textSendPolicy } from '../abuse/request-throttle.js';
import type { TextMessage } from '../ports.js';
import { expectRejection } from '../testing/domain-expectations.js';
import { type DomainHarness, inMemoryServices } from '../testing/in-memory-services.js';
import { codeText } from './code-text.js';
import { OneTimeCodes } from './one-time-codes.js';
import { maskPhoneNumber, normalizePhoneNumber } from './phone-number.js';

const number = '+31612345678';

describe('one-time codes by SMS', () => {
  let harness: DomainHarness;
  let texts: TextMessage[];
  let codes: OneTimeCodes;

  beforeEach(() => {
    harness = inMemoryServices();
    texts = [];
    const { clock, repos, outbox } = harness;
    const throttle = new RequestThrottle(repos.requestCounters, clock, { flowStartsPerIpPerMinute: 0 });
    const texter = { sendText: async (message: TextMessage) => void texts.push(message) };
    codes = new OneTimeCodes(repos.codes, outbox, throttle, clock, randomBytes(32), texter);
  });

  it('texts the code, stores only its digest, and mails nothing', async () => {
    const { tenant } = await harness.tenantWithApp();
    const flowId = randomUUID();
    await codes.send(tenant, flowId, number, 'register', 'sms');
    expect(texts).toHaveLength(1);
    const code = texts[0]!.text.match(/\d{6}/)![0];
    expect(texts[0]).toEqual({ to: number, text: `${code} is your acme verification code. It expires in 10 minutes.` });
    expect(harness.outbox.codes).toEqual([]);
    const [stored] = harness.db.codes.where((c) => c.flowId === flowId);
    expect(JSON.stringify(stored)).not.toContain(code);
    expect(await codes.verify(flowId, code)).toEqual({ result: 'accepted', target: number });
  });

  it(`sends one number at most ${textSendPolicy.max} texts an hour, whichever tenants ask`, async () => {
    const tenants = [
      await harness.services.tenants.create({ name: 'one' }),
      await harness.services.tenants.create({ name: 'two' }),
      await harness.services.tenants.create({ name: 'three' }),
    ];
    // Four texts per tenant stay under each tenant's code limit; the number's own limit is what stops the eleventh.
    for (const tenant of tenants)
      for (let i = 0; i < 4 && texts.length < textSendPolicy.max; i++)
        await codes.send(tenant, randomUUID(), number, 'mfa', 'sms');
    expect(texts).toHaveLength(textSendPolicy.max);
    await expectRejection(codes.send(tenants[2]!, randomUUID(), number, 'mfa', 'sms'), 'too_many_attempts');
    expect(texts).toHaveLength(textSendPolicy.max);
    harness.clock.advance(textSendPolicy.windowMs);
    await codes.send(tenants[2]!, randomUUID(), number, 'mfa', 'sms');
    expect(texts).toHaveLength(textSendPolicy.max + 1);
  });

  it('delivers by SMS only with a gateway', async () => {
    const { clock, repos, outbox } = harness;
    const throttle = new RequestThrottle(repos.requestCounters, clock, { flowStartsPerIpPerMinute: 0 });
    const mailOnly = new OneTimeCodes(repos.codes, outbox, throttle, clock, randomBytes(32), undefined);
    expect([mailOnly.delivers('email'), mailOnly.delivers('sms'), codes.delivers('sms')]).toEqual([true, false, true]);
  });
});

describe('phone numbers', () => {
  it.each([
    ['+31 6 1234 5678', '+31612345678'],
    ['+1 (555) 555-0100', '+15555550100'],
    ['+44.20.7946.0958', '+442079460958'],
  ])('takes %j as %j', (typed, e164) => {
    expect(normalizePhoneNumber(typed)).toBe(e164);
  });

  it.each(['0612345678', '+0612345678', '+1234', '+1234567890123456', '+31 6 CALL ME', 'ada@example.com', undefined])(
    'refuses %j, asking for E.164',
    (typed) => {
      expect(() => normalizePhoneNumber(typed)).toThrow(/E\.164/);
    },
  );

  it('masks all but the country code and the last two digits', () => {
    expect(maskPhoneNumber('+31612345678')).toBe('+31*******78');
  });

  it('leaves out of a text a tenant name that could pass for a code', () => {
    const text = codeText({
      to: number,
      code: '123456',
      purpose: 'mfa',
      senderName: 'shop-654321',
      expiresInMinutes: 10,
    });
    expect(text.match(/\d{6,8}/g)).toEqual(['123456']);
  });
});
