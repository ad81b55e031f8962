import { chmod, mkdir, open, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JWK } from 'jose';
import { base64url, fromBase64url, randomId, type WebCryptoKey } from '../platform.js';
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

const additionalData = new TextEncoder().encode('baton-sdk file store v1');

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
  private readonly dataFile: string;
  private readonly keyFile: string;
  private key: Promise<WebCryptoKey> | null = null;
  private contents: Promise<Contents> | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly pairs = new Map<string, Promise<KeyPair>>();

  constructor(private readonly options: FileStoreOptions) {
    this.dataFile = join(options.directory, 'store.enc');
    this.keyFile = options.keyFile ?? join(options.directory, 'store.key');
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
      await this.write(contents);
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private load(): Promise<Contents> {
    this.contents ??= this.read();
    return this.contents;
  }

  private async read(): Promise<Contents> {
    let text: string;
    try {
      text = await readFile(this.dataFile, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: {}, keyPairs: {} };
      throw error;
    }
    const sealed = JSON.parse(text) as { v: number; iv: string; data: string };
    const plain = await globalThis.crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: fromBase64url(sealed.iv), additionalData },
      await this.aesKey(),
      fromBase64url(sealed.data),
    );
    return JSON.parse(new TextDecoder().decode(plain)) as Contents;
  }

  private async write(contents: Contents): Promise<void> {
    const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
    const data = await globalThis.crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData },
      await this.aesKey(),
      new TextEncoder().encode(JSON.stringify(contents)),
    );
    const temporary = `${this.dataFile}.${randomId(6)}.tmp`;
    await writeFile(temporary, JSON.stringify({ v: 1, iv: base64url(iv), data: base64url(new Uint8Array(data)) }), {
      mode: 0o600,
    });
    await rename(temporary, this.dataFile);
  }

  private aesKey(): Promise<WebCryptoKey> {
    this.key ??= this.readOrCreateKey();
    return this.key;
  }

  private async readOrCreateKey(): Promise<WebCryptoKey> {
    await mkdir(this.options.directory, { recursive: true, mode: 0o700 });
    let raw: Uint8Array<ArrayBuffer>;
    try {
      const handle = await open(this.keyFile, 'wx', 0o600);
      raw = globalThis.crypto.getRandomValues(new Uint8Array(32));
      await handle.writeFile(base64url(raw));
      await handle.close();
      await chmod(this.keyFile, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (process.platform !== 'win32' && ((await stat(this.keyFile)).mode & 0o077) !== 0) {
        throw new Error(`${this.keyFile} is readable by other users; make it mode 0600 (chmod 600) before using it`);
      }
      raw = fromBase64url((await readFile(this.keyFile, 'utf8')).trim());
    }
    if (raw.length !== 32) throw new Error(`${this.keyFile} does not hold a 256-bit key`);
    return globalThis.crypto.subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
  }
}
