import { describe, expect, it } from 'vitest';
import { BatonError } from '../core/errors.js';
import { readParams } from './params.js';

function refusal(input: unknown): string {
  try {
    readParams(['scope'], input);
  } catch (error) {
    expect(error).toBeInstanceOf(BatonError);
    expect((error as BatonError).code).toBe('malformed_request');
    return (error as BatonError).description;
  }
  throw new Error('readParams accepted the input');
}

describe('readParams', () => {
  it('reads the named parameters, leaves absent ones out and ignores the rest', () => {
    expect(
      readParams(['grant_type', 'scope', 'client_id'], { grant_type: 'refresh_token', scope: '', x_telemetry: '1' }),
    ).toEqual({ grant_type: 'refresh_token', scope: '' });
    expect(readParams(['scope'], undefined)).toEqual({});
  });

  it('refuses a parameter sent twice, a non-string, an overlong value and a NUL character, naming the parameter', () => {
    expect(refusal({ scope: ['a', 'b'] })).toBe('Parameter "scope" was sent more than once');
    expect(refusal({ scope: { nested: 'x' } })).toBe('Parameter "scope" must be a single string');
    expect(refusal({ scope: 'a'.repeat(8193) })).toBe('Parameter "scope" is too long');
    expect(refusal({ scope: 'a\0b' })).toBe('Parameter "scope" contains a NUL character');
    expect(readParams(['scope'], { scope: 'a'.repeat(8192) }).scope).toHaveLength(8192);
  });
});
