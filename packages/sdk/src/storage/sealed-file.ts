import { chmod, mkdir, open, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { base64url, fromBase64url, randomId, type WebCryptoKey } from '../platform.js';

/**
 * One JSON value in a file (mode 0600) encrypted with AES-256-GCM under a key kept in a
 * separate file (mode 0600, created once, refused if group or others can read it). Each
 * write goes to a temporary file renamed over the old one, so a reader sees the previous
 * value or the new one, never half of either. `label` is the authenticated data: a file
 * of one kind cannot be passed off as another.
 */
export class SealedFile {
  private key: Promise<WebCryptoKey> | null = null;
  private readonly additionalData: Uint8Array<ArrayBuffer>;

  constructor(
    private readonly directory: string,
    private readonly dataFile: string,
    private readonly keyFile: string,
    label: string,
  ) {
    this.additionalData = new TextEncoder().encode(label);
  }

  /** The value in the file, or undefined when there is no file yet. */
  async read<T>(): Promise<T | undefined> {
    let text: string;
    try {
      text = await readFile(this.dataFile, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const sealed = JSON.parse(text) as { v: number; iv: string; data: string };
    const plain = await globalThis.crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: fromBase64url(sealed.iv), additionalData: this.additionalData },
      await this.aesKey(),
      fromBase64url(sealed.data),
    );
    return JSON.parse(new TextDecoder().decode(plain)) as T;
  }

  async write(value: unknown): Promise<void> {
    const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
    const data = await globalThis.crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: this.additionalData },
      await this.aesKey(),
      new TextEncoder().encode(JSON.stringify(value)),
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
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
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
