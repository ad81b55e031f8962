import type { WebCryptoKey } from '../platform.js';
import { generateKeyPair, type KeyPair, type KeyPairKind, type SecureStore } from './secure-store.js';

/** The few IndexedDB members this store uses, so the SDK needs no DOM typings. */
interface IdbRequest<T = unknown> {
  result: T;
  error: unknown;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}
interface IdbOpenRequest extends IdbRequest<IdbDatabase> {
  onupgradeneeded: (() => void) | null;
}
interface IdbObjectStore {
  get(key: string): IdbRequest;
  put(value: unknown, key: string): IdbRequest;
  add(value: unknown, key: string): IdbRequest;
  delete(key: string): IdbRequest;
}
interface IdbDatabase {
  objectStoreNames: { contains(name: string): boolean };
  createObjectStore(name: string): unknown;
  transaction(store: string, mode: 'readonly' | 'readwrite'): { objectStore(name: string): IdbObjectStore };
}
export interface IdbFactory {
  open(name: string, version?: number): IdbOpenRequest;
}

export interface IndexedDbStoreOptions {
  /** Database name; one per app if several apps share an origin. */
  name?: string;
  /** The IndexedDB factory; defaults to `globalThis.indexedDB` (pass fake-indexeddb's in tests). */
  indexedDB?: IdbFactory;
}

interface Sealed {
  iv: Uint8Array<ArrayBuffer>;
  data: ArrayBuffer;
}

const objects = 'entries';
const wrappingKeyName = 'baton.store-key';
const pairPrefix = 'baton.keypair:';

/**
 * A browser store in IndexedDB. Values are encrypted with AES-GCM under a
 * non-extractable CryptoKey that IndexedDB keeps as a key object (script can use it but
 * never read its bytes); key pairs are stored as non-extractable CryptoKey objects too.
 * This keeps tokens out of plain storage and off disk in the clear; it cannot protect
 * them from script running in the page (XSS), which can call the SDK like the app can.
 */
export class IndexedDbStore implements SecureStore {
  private db: Promise<IdbDatabase> | null = null;
  private key: Promise<WebCryptoKey> | null = null;
  private readonly pairs = new Map<string, Promise<KeyPair>>();

  constructor(private readonly options: IndexedDbStoreOptions = {}) {}

  async get(key: string): Promise<string | undefined> {
    const sealed = (await this.read(key)) as Sealed | undefined;
    if (!sealed) return undefined;
    const plain = await globalThis.crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: sealed.iv },
      await this.wrappingKey(),
      sealed.data,
    );
    return new TextDecoder().decode(plain);
  }

  async set(key: string, value: string): Promise<void> {
    const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
    const data = await globalThis.crypto.subtle.encrypt(
      { name: 'AES-GCM', iv },
      await this.wrappingKey(),
      new TextEncoder().encode(value),
    );
    await this.write('put', key, { iv, data } satisfies Sealed);
  }

  async delete(key: string): Promise<void> {
    await this.run('readwrite', (s) => s.delete(key));
  }

  keyPair(name: string, kind: KeyPairKind): Promise<KeyPair> {
    let pair = this.pairs.get(name);
    if (!pair) {
      pair = this.readOrCreate(pairPrefix + name, async () => ({
        kind,
        ...(await generateKeyPair(kind, false)),
      })) as Promise<KeyPair>;
      this.pairs.set(name, pair);
      pair.catch(() => this.pairs.delete(name));
    }
    return pair;
  }

  async deleteKeyPair(name: string): Promise<void> {
    this.pairs.delete(name);
    await this.delete(pairPrefix + name);
  }

  private wrappingKey(): Promise<WebCryptoKey> {
    this.key ??= this.readOrCreate(
      wrappingKeyName,
      () =>
        globalThis.crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
          'encrypt',
          'decrypt',
        ]) as Promise<WebCryptoKey>,
    );
    return this.key;
  }

  /** Reads a value, or stores a new one with `add` (so two tabs racing keep the first) and reads again. */
  private async readOrCreate<T>(key: string, create: () => Promise<T>): Promise<T> {
    const existing = await this.read(key);
    if (existing !== undefined) return existing as T;
    await this.write('add', key, await create()).catch(() => undefined);
    return (await this.read(key)) as T;
  }

  private read(key: string): Promise<unknown> {
    return this.run('readonly', (s) => s.get(key));
  }

  private write(method: 'put' | 'add', key: string, value: unknown): Promise<unknown> {
    return this.run('readwrite', (s) => s[method](value, key));
  }

  private async run(mode: 'readonly' | 'readwrite', action: (store: IdbObjectStore) => IdbRequest): Promise<unknown> {
    const db = await this.open();
    return done(action(db.transaction(objects, mode).objectStore(objects)));
  }

  private open(): Promise<IdbDatabase> {
    this.db ??= (() => {
      const factory = this.options.indexedDB ?? (globalThis as { indexedDB?: IdbFactory }).indexedDB;
      if (!factory)
        return Promise.reject(
          new Error(
            'IndexedDB is not available here; pass a store that is (MemoryStore, FileStore from @baton/sdk/node)',
          ),
        );
      const request = factory.open(this.options.name ?? 'baton-sdk', 1);
      request.onupgradeneeded = () => {
        if (!request.result.objectStoreNames.contains(objects)) request.result.createObjectStore(objects);
      };
      return done(request);
    })();
    return this.db;
  }
}

function done<T>(request: IdbRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}
