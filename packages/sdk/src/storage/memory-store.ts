import { generateKeyPair, type KeyPair, type KeyPairKind, type SecureStore } from './secure-store.js';

/** Keeps everything in this process only (tests, short-lived tools); key pairs are non-extractable. */
export class MemoryStore implements SecureStore {
  private readonly values = new Map<string, string>();
  private readonly pairs = new Map<string, Promise<KeyPair>>();

  async get(key: string) {
    return this.values.get(key);
  }

  async set(key: string, value: string) {
    this.values.set(key, value);
  }

  async delete(key: string) {
    this.values.delete(key);
  }

  keyPair(name: string, kind: KeyPairKind): Promise<KeyPair> {
    let pair = this.pairs.get(name);
    if (!pair) {
      pair = generateKeyPair(kind, false);
      this.pairs.set(name, pair);
    }
    return pair;
  }

  async deleteKeyPair(name: string) {
    this.pairs.delete(name);
  }
}
