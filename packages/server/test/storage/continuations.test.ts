import { describe, expect, it } from 'vitest';
import { engines } from '../support/databases.js';
import { aContinuation, useStore } from './store.js';

describe.each(engines)('continuation repository on %s', (engine) => {
  const store = useStore(engine);

  it('stores a continuation and finds it by digest with its state', async () => {
    const { continuations } = store().repos;
    const record = aContinuation('tenant', {
      userId: 'user-1',
      state: { step: 'password', methods: ['pwd'], attempts: 2 },
    });
    await continuations.insert(record);
    expect(await continuations.find(record.digest)).toEqual(record);
    expect(await continuations.find('no-such-digest')).toBeNull();
  });

  it('consumes a continuation for exactly one of many concurrent callers', async () => {
    const { continuations } = store().repos;
    const record = aContinuation('tenant');
    await continuations.insert(record);
    const results = await Promise.all(Array.from({ length: 20 }, () => continuations.consume(record.digest)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await continuations.find(record.digest)).toBeNull();
    expect(await continuations.consume(record.digest)).toBe(false);
  });

  it('consumes only the continuation named', async () => {
    const { continuations } = store().repos;
    const [used, kept] = [aContinuation('tenant'), aContinuation('tenant')];
    await continuations.insert(used);
    await continuations.insert(kept);
    expect(await continuations.consume(used.digest)).toBe(true);
    expect(await continuations.find(kept.digest)).toEqual(kept);
  });
});
