import { describe, expect, it } from 'vitest';
import { digest, hmac, randomToken, safeEqual } from './digest.js';

const hexToBase64url = (hex: string) => Buffer.from(hex, 'hex').toString('base64url');

describe('randomToken', () => {
  it('is 256 random bits in base64url by default', () => {
    const tokens = Array.from({ length: 50 }, () => randomToken());
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set(tokens).size).toBe(50);
  });

  it('takes another size in bytes', () => {
    expect(Buffer.from(randomToken(16), 'base64url')).toHaveLength(16);
  });
});

describe('digest', () => {
  it('is SHA-256 in base64url (FIPS 180-2 "abc" vector)', () => {
    expect(digest('abc')).toBe(hexToBase64url('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'));
  });

  it('hashes text as UTF-8', () => {
    // SHA-256 of the two bytes C3 A9, not of the one Latin-1 byte E9.
    expect(digest('é')).toBe(hexToBase64url('4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c'));
  });
});

describe('hmac', () => {
  it('is HMAC-SHA-256 in base64url (RFC 4231 test case 2)', () => {
    expect(hmac(Buffer.from('Jefe'), 'what do ya want for nothing?')).toBe(
      hexToBase64url('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'),
    );
  });
});

describe('safeEqual', () => {
  it('is true only for identical strings, whatever their lengths', () => {
    expect(safeEqual('secret', 'secret')).toBe(true);
    expect(safeEqual('secret', 'secreT')).toBe(false);
    expect(safeEqual('secret', 'secret-but-longer')).toBe(false);
    expect(safeEqual('', '')).toBe(true);
    expect(safeEqual('', 'x')).toBe(false);
  });
});
