import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { OneTimeCode } from '../../src/core/model.js';
import { engines } from '../support/databases.js';
import { t0, useStore } from './store.js';

const maxAttempts = 5;

const aCode = (flowId: string, fields: Partial<OneTimeCode> = {}): OneTimeCode => ({
  id: randomUUID(),
  tenantId: 'tenant',
  flowId,
  target: 'ada@example.com',
  codeDigest: randomUUID(),
  attempts: 0,
  createdAt: t0,
  expiresAt: t0 + 600_000,
  consumedAt: null,
  ...fields,
});

describe.each(engines)('one-time code repository on %s', (engine) => {
  const store = useStore(engine);

  it('answers the newest code of a flow, whatever its state, and nothing for an unknown flow', async () => {
    const { codes } = store().repos;
    const flowId = randomUUID();
    const older = aCode(flowId, { createdAt: t0 + 1 });
    const newest = aCode(flowId, { createdAt: t0 + 2, target: 'other@example.com' });
    const elsewhere = aCode(randomUUID(), { createdAt: t0 + 3 });
    for (const code of [newest, older, elsewhere]) await codes.insert(code);
    expect(await codes.latest(flowId)).toEqual(newest);
    expect(await codes.latest(randomUUID())).toBeNull();
    expect(await codes.consume(newest.id, t0 + 4, maxAttempts)).toBe(true);
    expect(await codes.latest(flowId)).toEqual({ ...newest, consumedAt: t0 + 4 });
  });

  it('counts wrong attempts up to the limit, exactly, even when they arrive together', async () => {
    const { codes } = store().repos;
    const code = aCode(randomUUID());
    await codes.insert(code);
    const results = await Promise.all(Array.from({ length: 12 }, () => codes.recordFailure(code.id, maxAttempts)));
    expect(results.filter(Boolean)).toHaveLength(maxAttempts);
    expect((await codes.latest(code.flowId))!.attempts).toBe(maxAttempts);
    expect(await codes.recordFailure(code.id, maxAttempts)).toBe(false);
  });

  it('consumes a code for exactly one of many concurrent callers', async () => {
    const { codes } = store().repos;
    const code = aCode(randomUUID());
    await codes.insert(code);
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => codes.consume(code.id, t0 + i, maxAttempts)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await codes.latest(code.flowId))!.consumedAt).toBe(t0 + results.indexOf(true));
    expect(await codes.consume(code.id, t0 + 100, maxAttempts)).toBe(false);
  });

  it('does not consume a code that has used up its attempts, nor an unknown one', async () => {
    const { codes } = store().repos;
    const spent = aCode(randomUUID(), { attempts: maxAttempts });
    const lastChance = aCode(randomUUID(), { attempts: maxAttempts - 1 });
    await codes.insert(spent);
    await codes.insert(lastChance);
    expect(await codes.consume(spent.id, t0, maxAttempts)).toBe(false);
    expect((await codes.latest(spent.flowId))!.consumedAt).toBeNull();
    expect(await codes.consume(lastChance.id, t0, maxAttempts)).toBe(true);
    expect(await codes.consume(randomUUID(), t0, maxAttempts)).toBe(false);
    expect(await codes.recordFailure(randomUUID(), maxAttempts)).toBe(false);
  });
});
