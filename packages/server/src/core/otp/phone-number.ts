import { BatonError } from '../errors.js';

/** E.164: a plus, a country code that does not start with 0, at most 15 digits in all. */
const e164 = /^\+[1-9]\d{6,14}$/;

/**
 * A phone number to register as an SMS method, in E.164 form. The spaces, dashes, dots and
 * brackets people write numbers with are dropped; anything else that is not E.164 (no
 * country code, letters, too short or long) is refused, so the gateway never guesses.
 */
export function normalizePhoneNumber(value: string | undefined): string {
  const number = (value ?? '').replace(/[\s().-]/g, '');
  if (!e164.test(number))
    throw new BatonError(
      'invalid_method_target',
      'The phone number must be in international E.164 form with its country code, such as +31612345678',
    );
  return number;
}

/** `+31*******78`: the country code and the last two digits, enough for the user to recognise the number. */
export function maskPhoneNumber(number: string): string {
  return `${number.slice(0, 3)}${'*'.repeat(Math.max(3, number.length - 5))}${number.slice(-2)}`;
}
