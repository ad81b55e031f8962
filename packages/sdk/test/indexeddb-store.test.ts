import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { IndexedDbStore } from '../src/index.js';

/** The IndexedDB logic on fake-indexeddb (structured clone keeps CryptoKey objects, as browsers do); e2e/sdk-browser.test.ts runs it in Chromium. */
describe('IndexedDbStore', () => {
  it('stores values encrypted under a non-extractable AES key kept in IndexedDB, across reopenings', async () => {
    const indexedDB = new IDBFactory();
    const store = new IndexedDbStore({ indexedDB });
    await store.set('baton.session:x', '{"refreshToken":"very-secret-refresh-token"}');
    expect(await store.get('baton.session:x')).toBe('{"refreshToken":"very-secret-refresh-token"}');
    expect(await new IndexedDbStore({ indexedDB }).get('baton.session:x')).toBe(
      '{"refreshToken":"very-secret-refresh-token"}',
    );

    const raw = await rawEntries(indexedDB);
    const sealed = raw.get('baton.session:x') as { data: ArrayBuffer };
    expect(new TextDecoder().decode(sealed.data)).not.toContain('very-secret');
    const key = raw.get('baton.store-key') as { extractable: boolean; algorithm: { name: string } };
    expect(key.extractable).toBe(false);
    expect(key.algorithm.name).toBe('AES-GCM');

    await store.delete('baton.session:x');
    expect(await store.get('baton.session:x')).toBeUndefined();
  });

  it('keeps non-extractable key pairs as CryptoKey objects, the same after reopening, until deleted', async () => {
    const indexedDB = new IDBFactory();
    const pair = await new IndexedDbStore({ indexedDB }).keyPair('dpop', 'ECDSA');
    expect(pair.privateKey.extractable).toBe(false);
    await expect(globalThis.crypto.subtle.exportKey('jwk', pair.privateKey)).rejects.toThrow();
    const reopened = new IndexedDbStore({ indexedDB });
    const again = await reopened.keyPair('dpop', 'ECDSA');
    const publicJwk = (k: typeof pair) => globalThis.crypto.subtle.exportKey('jwk', k.publicKey);
    expect(await publicJwk(again)).toEqual(await publicJwk(pair));
    await reopened.deleteKeyPair('dpop');
    const fresh = await new IndexedDbStore({ indexedDB }).keyPair('dpop', 'ECDSA');
    expect(await publicJwk(fresh)).not.toEqual(await publicJwk(pair));
  });
});

function rawEntries(indexedDB: InstanceType<typeof IDBFactory>): Promise<Map<string, unknown>> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('baton-sdk');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const entries = new Map<string, unknown>();
      const cursor = open.result.transaction('entries', 'readonly').objectStore('entries').openCursor();
      cursor.onsuccess = () => {
        const c = cursor.result;
        if (!c) return resolve(entries);
        entries.set(String(c.key), c.value);
        c.continue();
      };
    };
  });
}
