import { describe, expect, it } from 'vitest';
import { BatonError } from '../core/errors.js';
import { toWireError } from './errors.js';

describe('toWireError', () => {
  it('puts only printable ASCII of a description into WWW-Authenticate, whatever the caller sent', () => {
    const sent = 'htm "GET\r\nX-Injected: 1" does not match POST — ünïcode';
    for (const [code, format] of [
      ['invalid_token', 'oauth'],
      ['invalid_dpop_proof', 'oauth'],
    ] as const) {
      const header = toWireError(new BatonError(code, sent), format, 'c0ffee').headers['www-authenticate']!;
      expect(header).toMatch(/^[\x20-\x7e]+$/);
      expect(header).not.toContain('"GET');
    }
  });
});
