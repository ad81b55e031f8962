import { describe, expect, it } from 'vitest';
import { BatonError } from '../errors.js';
import { assertPasswordAcceptable, passwordLimits } from './password-policy.js';

/** The domain code of the error the policy throws for `password`, or null when it accepts it. */
function refusal(password: string, context?: Parameters<typeof assertPasswordAcceptable>[1]) {
  try {
    assertPasswordAcceptable(password, context);
    return null;
  } catch (error) {
    if (!(error instanceof BatonError)) throw error;
    return error.code;
  }
}

describe('assertPasswordAcceptable', () => {
  it('accepts a long, uncommon password at either length limit', () => {
    expect(refusal('correct horse battery staple')).toBeNull();
    expect(refusal('Tz8#qLw2')).toBeNull();
    expect(refusal('x7'.repeat(passwordLimits.maxLength / 2))).toBeNull();
  });

  it.each([
    ['password_too_short', 'Tz8#qLw'],
    ['password_too_short', '123456'],
    ['password_too_short', '😀😀😀😀'],
    ['password_too_long', 'x'.repeat(passwordLimits.maxLength + 1)],
    ['password_blank', ''],
    ['password_blank', '   '],
    ['password_blank', ' '.repeat(12)],
    ['password_blank', '\t\n \t\n \t\n'],
    ['password_banned', 'password'],
    ['password_banned', 'PassWord'],
    ['password_banned', '12345678'],
    ['password_banned', 'iloveyou'],
  ])('refuses with %s: %j', (code, password) => {
    expect(refusal(password)).toBe(code);
  });

  it('refuses the account email as its password, in any case', () => {
    expect(refusal('Ada.Lovelace@Example.com', { email: 'ada.lovelace@example.com' })).toBe('password_banned');
    expect(refusal('ada.lovelace@example.com', { email: 'grace@example.com' })).toBeNull();
  });

  it('refuses the current password as the new one', () => {
    expect(refusal('correct horse battery staple', { currentHashMatches: true })).toBe('password_reused');
  });
});
