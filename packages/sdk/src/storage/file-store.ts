import { join } from 'node:path';
import type { JWK } from 'jose';
import { SealedFile } from './sealed-file.js';
import {
  exportJwk,
  generateKeyPair,
  importKeyPair,
  type KeyPair,
  type KeyPairKind,
  type SecureStore,
} from './secure-store.js';

export interface FileStoreOptions {
  /** Folder for the data file and, unless `keyFile` says otherwise, the key file; created with mode 0700. */
  directory: string;
  /** Path of the 256-bit AES key; keep it apart from the data (another volume, a keychain export...) when you can. */
  keyFile?: string;
}

interface Contents {
  entries: Record<string, string>;
  keyPairs: Record<string, { kind: KeyPairKind; privateJwk: JWK; publicJwk: JWK }>;
}

/**
 * An encrypted file store for Node. Everything (tokens, installation id, key pairs) lives
 * in one file (`store.enc`, mode 0600) encrypted with AES-256-GCM under a key kept in a
 * separate file (mode 0600, created once, refused if group or others can read it). Each
 * write goes to a temporary file renamed over the old one, so a rotated refresh token is
 * stored whole or not at all.
 *
 * Key pairs: Node cannot persist a non-extractable WebCrypto key, so this store creates
 * them extractable, keeps their JWKs inside the encrypted file, and hands out
 * non-extractable copies imported from them. At rest they are as safe as the tokens: as
 * safe as the key file. One process at a time may use a store.
 */
export class FileStore implements SecureStore {
  private readonly file: SealedFile;
  private contents: Promise<Contents> | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly pairs = new Map<string, Promise<KeyPair>>();

  constructor(options: FileStoreOptions) {
    const keyFile = options.keyFile ?? join(options.directory, 'store.key');
    this.file = new SealedFile(
      options.directory,
      join(options.directory, 'store.enc'),
      keyFile,
      'baton-sdk file store v1',
    );
  }

  async get(key: string) {
    return (await this.load()).entries[key];
  }

  set(key: string, value: string) {
    return this.update((contents) => {
      contents.entries[key] = value;
    });
  }

  delete(key: string) {
    return this.update((contents) => {
      delete contents.entries[key];
    });
  }

  keyPair(name: string, kind: KeyPairKind): Promise<KeyPair> {
    let pair = this.pairs.get(name);
    if (!pair) {
      pair = this.loadOrCreatePair(name, kind);
      this.pairs.set(name, pair);
      pair.catch(() => this.pairs.delete(name));
    }
    return pair;
  }

  async deleteKeyPair(name: string) {
    this.pairs.delete(name);
    await this.update((contents) => {
      delete contents.keyPairs[name];
    });
  }

  private async loadOrCreatePair(name: string, kind: KeyPairKind): Promise<KeyPair> {
    const stored = (await this.load()).keyPairs[name];
    if (stored && stored.kind === kind) return importKeyPair(kind, stored.privateJwk, stored.publicJwk);
    const fresh = await generateKeyPair(kind, true);
    const entry = { kind, privateJwk: await exportJwk(fresh.privateKey), publicJwk: await exportJwk(fresh.publicKey) };
    await this.update((contents) => {
      contents.keyPairs[name] = entry;
    });
    return importKeyPair(kind, entry.privateJwk, entry.publicJwk);
  }

  /** Applies `change` to the contents and writes them, one write at a time. */
  private update(change: (contents: Contents) => void): Promise<void> {
    const next = this.queue.then(async () => {
      const contents = await this.load();
      change(contents);
      await this.file.write(contents);
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private load(): Promise<Contents> {
    this.contents ??= this.file.read<Contents>().then((stored) => stored ?? { entries: {}, keyPairs: {} });
    return this.contents;
  }
}
