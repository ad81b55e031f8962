import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '../config/config.js';

/**
 * The master key encrypts secrets at rest (signing keys) and, through HKDF, keys every
 * keyed HMAC Baton uses. It never leaves the process.
 */
export class MasterKey {
  private constructor(private readonly key: Buffer) {}

  static fromString(value: string): MasterKey {
    const trimmed = value.trim();
    const bytes = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
    if (bytes.length !== 32) throw new ConfigError('BATON_MASTER_KEY must be 32 bytes, as 64 hex digits or base64');
    return new MasterKey(bytes);
  }

  /**
   * The configured key, or in development the one in `{dataDir}/master.key`, created
   * (mode 0600) on first start when `create` allows; otherwise a missing file is refused,
   * as a new key could not open what the old one sealed.
   */
  static load(
    options: { masterKey?: string | undefined; dataDir: string; production: boolean; create?: boolean },
    warn: (message: string) => void,
  ): MasterKey {
    if (options.masterKey) return MasterKey.fromString(options.masterKey);
    if (options.production) throw new ConfigError('BATON_MASTER_KEY is required when NODE_ENV=production');
    const file = join(options.dataDir, 'master.key');
    if (!existsSync(file) && options.create === false)
      throw new ConfigError(
        `No development master key at ${resolve(file)}: set BATON_MASTER_KEY, or BATON_DATA_DIR to the folder that holds the installation's master.key`,
      );
    if (!existsSync(file)) {
      mkdirSync(options.dataDir, { recursive: true });
      writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
      chmodSync(file, 0o600);
      warn(`Generated a development master key in ${file}; set BATON_MASTER_KEY in production`);
    }
    return MasterKey.fromString(readFileSync(file, 'utf8'));
  }

  /** A subkey for one purpose, so no two uses share key material. */
  derive(purpose: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.key, Buffer.alloc(0), `baton:${purpose}`, 32));
  }

  encrypt(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `v1.${iv.toString('base64url')}.${body.toString('base64url')}`;
  }

  decrypt(sealed: string, context: string): string {
    const [version, iv, body] = sealed.split('.');
    if (version !== 'v1' || !iv || !body) throw new Error('Unknown sealed-secret format');
    const bytes = Buffer.from(body, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString('utf8');
  }
}
