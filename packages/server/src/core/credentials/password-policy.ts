import { BatonError, type DomainErrorCode } from '../errors.js';
import { isBreachedPassword } from './breached-passwords.js';

export const passwordLimits = { minLength: 8, maxLength: 256 } as const;

/** Refuses a password that breaks the policy, saying which rule it breaks. */
export function assertPasswordAcceptable(
  password: string,
  context: { email?: string; currentHashMatches?: boolean } = {},
): void {
  const refuse = (code: DomainErrorCode & `password_${string}`, description: string) => {
    throw new BatonError(code, description);
  };
  // Blank first: an empty field is blank (password_is_invalid, docs/errors.md), not short.
  if (password.trim().length === 0) refuse('password_blank', 'The password cannot be blank');
  const length = [...password].length;
  if (length < passwordLimits.minLength)
    refuse('password_too_short', `The password must be at least ${passwordLimits.minLength} characters`);
  if (length > passwordLimits.maxLength)
    refuse('password_too_long', `The password must be at most ${passwordLimits.maxLength} characters`);
  if (context.currentHashMatches) refuse('password_reused', 'The new password must differ from the current one');
  if (isBreachedPassword(password) || (context.email && password.toLowerCase() === context.email.toLowerCase())) {
    refuse('password_banned', 'This password is too common or appears in known breaches; choose another');
  }
}
