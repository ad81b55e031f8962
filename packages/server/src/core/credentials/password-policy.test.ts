import { domainErrors } from '@baton/protocol';
import { describe, expect, it } from 'vitest';
import { BatonError } from '../errors.js';
import { assertPasswordAcceptable, passwordLimits } from './password-policy.js';

/** The error the policy throws for `password`, as native auth renders it, or null when it accepts it. */
function refusal(password: string, context?: Parameters<typeof assertPasswordAcceptable>[1]) {
  try {
    assertPasswordAcceptable(password, context);
    return null;
  } catch (error) {
    if (!(error instanceof BatonError)) throw error;
    const { oauth, nativeAuth } = domainErrors[error.code];
    return { code: oauth, suberror: nativeAuth.suberror, errorCodes: nativeAuth.errorCodes };
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
    ['password_is_invalid', ''],
    ['password_is_invalid', '   '],
    ['password_is_invalid', ' '.repeat(12)],
    ['password_is_invalid', '\t\n \t\n \t\n'],
    ['password_banned', 'password'],
    ['password_banned', 'PassWord'],
    ['password_banned', '12345678'],
    ['password_banned', 'iloveyou'],
  ])('refuses with %s: %j', (suberror, password) => {
    expect(refusal(password)).toEqual({ code: 'invalid_grant', suberror, errorCodes: [399246] });
  });

  it('refuses the account email as its password, in any case', () => {
    expect(refusal('Ada.Lovelace@Example.com', { email: 'ada.lovelace@example.com' })).toMatchObject({
      suberror: 'password_banned',
    });
    expect(refusal('ada.lovelace@example.com', { email: 'grace@example.com' })).toBeNull();
  });

  it('refuses the current password as the new one', () => {
    expect(refusal('correct horse battery staple', { currentHashMatches: true })).toMatchObject({
      suberror: 'password_recently_used',
    });
  });
});
