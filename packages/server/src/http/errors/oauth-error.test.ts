import { describe, expect, it } from 'vitest';
import { BatonError } from '../../core/errors.js';
import { oauthErrorResponse } from './oauth-error.js';

describe('oauthErrorResponse', () => {
  it('puts only printable ASCII of a description into WWW-Authenticate, whatever the caller sent', () => {
    const sent = 'htm "GET\r\nX-Injected: 1" does not match POST — ünïcode';
    for (const code of ['invalid_access_token', 'invalid_dpop_proof'] as const) {
      const header = oauthErrorResponse(new BatonError(code, sent)).headers['www-authenticate']!;
      expect(header).toMatch(/^[\x20-\x7e]+$/);
      expect(header).not.toContain('"GET');
    }
  });
});
