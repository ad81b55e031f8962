import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../config/config.js';
import { MasterKey } from './master-key.js';

const bytes = randomBytes(32);
const key = MasterKey.fromString(bytes.toString('base64'));
const tempDir = () => join(mkdtempSync(join(tmpdir(), 'baton-master-key-')), 'data');

describe('MasterKey encryption', () => {
  it('decrypts what it encrypted, under the same context', () => {
    const sealed = key.encrypt('{"d":"private"}', 'signing-key:t1:k1');
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('private');
    expect(key.decrypt(sealed, 'signing-key:t1:k1')).toBe('{"d":"private"}');
  });

  it('seals the same plaintext differently each time', () => {
    expect(key.encrypt('secret', 'ctx')).not.toBe(key.encrypt('secret', 'ctx'));
  });

  it('refuses another context, a tampered ciphertext, another key and an unknown format', () => {
    const sealed = key.encrypt('secret', 'signing-key:t1:k1');
    expect(() => key.decrypt(sealed, 'signing-key:t2:k1')).toThrow();
    const [version, iv, body] = sealed.split('.') as [string, string, string];
    const flipped = Buffer.from(body, 'base64url');
    flipped[0]! ^= 1;
    expect(() => key.decrypt(`${version}.${iv}.${flipped.toString('base64url')}`, 'signing-key:t1:k1')).toThrow();
    expect(() => MasterKey.fromString(randomBytes(32).toString('hex')).decrypt(sealed, 'signing-key:t1:k1')).toThrow();
    expect(() => key.decrypt(`v2.${iv}.${body}`, 'signing-key:t1:k1')).toThrow(/format/);
  });
});

describe('MasterKey.fromString', () => {
  it('reads the same 32 bytes from hex (either case) and from base64', () => {
    const sealed = key.encrypt('secret', 'ctx');
    expect(MasterKey.fromString(bytes.toString('hex')).decrypt(sealed, 'ctx')).toBe('secret');
    expect(MasterKey.fromString(` ${bytes.toString('hex').toUpperCase()}\n`).decrypt(sealed, 'ctx')).toBe('secret');
    expect(MasterKey.fromString(`${bytes.toString('base64')}\n`).decrypt(sealed, 'ctx')).toBe('secret');
  });

  it.each([
    ['16 bytes of hex', randomBytes(16).toString('hex')],
    ['31 bytes of base64', randomBytes(31).toString('base64')],
    ['33 bytes of base64', randomBytes(33).toString('base64')],
    ['an empty string', ''],
  ])('refuses %s', (_, value) => {
    expect(() => MasterKey.fromString(value)).toThrow(ConfigError);
  });

  it('derives a distinct, stable subkey per purpose', () => {
    expect(key.derive('refresh-successor')).toEqual(
      MasterKey.fromString(bytes.toString('hex')).derive('refresh-successor'),
    );
    expect(key.derive('refresh-successor')).not.toEqual(key.derive('other'));
    expect(key.derive('refresh-successor')).toHaveLength(32);
  });
});

describe('MasterKey.load', () => {
  it('uses the configured key, in production too', () => {
    const warn = vi.fn();
    const loaded = MasterKey.load({ masterKey: bytes.toString('hex'), dataDir: tempDir(), production: true }, warn);
    expect(loaded.decrypt(key.encrypt('secret', 'ctx'), 'ctx')).toBe('secret');
    expect(warn).not.toHaveBeenCalled();
  });

  it('refuses to start in production without a configured key', () => {
    expect(() => MasterKey.load({ dataDir: tempDir(), production: true }, vi.fn())).toThrow(ConfigError);
  });

  it('generates a development key file readable by its owner only, once, and reuses it', () => {
    const dataDir = tempDir();
    const warn = vi.fn();
    const first = MasterKey.load({ dataDir, production: false }, warn);
    const file = join(dataDir, 'master.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64')).toHaveLength(32);
    expect(warn).toHaveBeenCalledOnce();
    expect(warn.mock.calls[0]?.[0]).toContain(file);

    const second = MasterKey.load({ dataDir, production: false }, warn);
    expect(second.decrypt(first.encrypt('secret', 'ctx'), 'ctx')).toBe('secret');
    expect(warn).toHaveBeenCalledOnce();
  });
});
