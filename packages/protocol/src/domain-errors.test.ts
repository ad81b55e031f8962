import { describe, expect, it } from 'vitest';
import { domainErrors } from './domain-errors.js';
import { errorCatalog, suberrors } from './errors.js';

describe('domainErrors', () => {
  it.each(Object.entries(domainErrors))('maps %s to a wire code of the catalog', (_code, wire) => {
    expect(Object.keys(errorCatalog)).toContain(wire.oauth);
    expect(wire.status).toBeGreaterThanOrEqual(400);
    expect(wire.status).toBeLessThan(600);
    if (wire.nativeAuth.suberror !== undefined) expect(suberrors).toContain(wire.nativeAuth.suberror);
    for (const number of wire.nativeAuth.errorCodes) expect(Number.isInteger(number)).toBe(true);
  });

  it('keeps the status of the wire code unless a request error or a device poll says more', () => {
    const ownStatus = Object.entries(domainErrors).filter(
      ([, wire]) => wire.status !== errorCatalog[wire.oauth].status,
    );
    expect(ownStatus.map(([code]) => code).sort()).toEqual([
      'device_denied',
      'headers_too_large',
      'polling_too_fast',
      'request_timeout',
      'request_too_large',
    ]);
  });

  it('answers the management API with its own status only where a resource is missing or in conflict', () => {
    const ownStatus = Object.entries(domainErrors).filter(([, wire]) => wire.problemStatus !== wire.status);
    expect(Object.fromEntries(ownStatus.map(([code, wire]) => [code, wire.problemStatus]))).toEqual({
      tenant_exists: 409,
      unknown_client: 404,
      user_not_found: 404,
      user_already_exists: 409,
    });
  });

  it.each([
    ['password_blank', 'password_is_invalid'],
    ['password_too_short', 'password_too_short'],
    ['password_too_long', 'password_too_long'],
    ['password_reused', 'password_recently_used'],
    ['password_banned', 'password_banned'],
  ] as const)('renders the password refusal %s as invalid_grant with suberror %s and 399246', (code, suberror) => {
    expect(domainErrors[code]).toMatchObject({
      oauth: 'invalid_grant',
      nativeAuth: { suberror, errorCodes: [399246] },
    });
  });

  it.each([
    ['wrong_password', 'invalidGrant', 'invalidUserNameOrPassword'],
    ['invalid_code', 'invalidGrant', 'invalidOneTimeCode'],
    ['user_not_found', 'invalidRequest', 'userNotFound'],
    ['password_banned', 'invalidRequest', 'passwordBanned'],
    ['password_too_short', 'invalidRequest', 'passwordTooShort'],
    ['invalid_attributes', 'invalidRequest', 'attributeValidationError'],
    ['invalid_continuation_token', 'invalidGrant', 'invalidContinuationToken'],
  ] as const)('renders %s in native auth V2 as %s with the inner error %s MSAL checks', (code, v2Code, innerError) => {
    expect(domainErrors[code].nativeAuthV2).toEqual({ code: v2Code, innerError });
  });

  it('spells the OAuth code in camelCase for V2 where no error says otherwise', () => {
    expect(domainErrors.malformed_request.nativeAuthV2).toEqual({ code: 'invalidRequest' });
    expect(domainErrors.unknown_client.nativeAuthV2).toEqual({ code: 'invalidClient' });
  });
});
