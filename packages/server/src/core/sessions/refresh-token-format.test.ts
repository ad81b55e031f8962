import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatRefreshToken, newRefreshTokenSecret, readRefreshToken } from './refresh-token-format.js';

describe('refresh token format', () => {
  const macKey = randomBytes(32);
  const sessionId = randomUUID();
  const token = formatRefreshToken({ sessionId, generation: 900 }, newRefreshTokenSecret(), macKey);

  it('carries its session and generation, readable only with the MAC key', () => {
    expect(token).toMatch(/^[\w-]{92}$/);
    expect(readRefreshToken(token, macKey)).toEqual({ sessionId, generation: 900 });
    expect(readRefreshToken(token, randomBytes(32))).toBeNull();
  });

  it('shows nothing of its secret but what was given, and the same claims make different tokens', () => {
    const other = formatRefreshToken({ sessionId, generation: 900 }, newRefreshTokenSecret(), macKey);
    expect(other).not.toBe(token);
    expect(token.slice(0, 28)).toBe(other.slice(0, 28));
  });

  it('refuses a forged token: another session id or generation under the old MAC, or a made-up MAC', () => {
    const bytes = Buffer.from(token, 'base64url');
    const otherSession = Buffer.from(bytes);
    otherSession.write(randomUUID().replaceAll('-', ''), 1, 'hex');
    const otherGeneration = Buffer.from(bytes);
    otherGeneration.writeUInt32BE(3, 17);
    const madeUpMac = Buffer.concat([bytes.subarray(0, 53), randomBytes(16)]);
    for (const forged of [otherSession, otherGeneration, madeUpMac])
      expect(readRefreshToken(forged.toString('base64url'), macKey)).toBeNull();
  });

  it('reads a token of the earlier format (256 random bits) or any other string as none of its own', () => {
    for (const other of [randomBytes(32).toString('base64url'), '', 'not a token', `${token}A`, `${token}==`])
      expect(readRefreshToken(other, macKey)).toBeNull();
  });

  it('is only written for a UUID session and a 256-bit secret', () => {
    expect(() => formatRefreshToken({ sessionId: 's1', generation: 0 }, newRefreshTokenSecret(), macKey)).toThrow();
    expect(() => formatRefreshToken({ sessionId, generation: 0 }, randomBytes(16), macKey)).toThrow();
  });
});
