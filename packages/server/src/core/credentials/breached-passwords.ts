import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * The ~49,000 most common passwords from breach corpora, as shipped (and kept current) by
 * zxcvbn-ts's common dictionary; loaded once, compared case-insensitively.
 */
let breached: Set<string> | undefined;

export function isBreachedPassword(password: string): boolean {
  breached ??= new Set(dictionary.passwords.map((p) => p.toLowerCase()));
  return breached.has(password.toLowerCase());
}
