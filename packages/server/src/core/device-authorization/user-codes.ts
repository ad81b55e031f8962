import { randomInt } from 'node:crypto';

/**
 * The letters a user code is drawn from: consonants only (no vowels, so no words), and
 * none that reads as another (no L or I for 1, no O for 0, no Y). 19 letters, 8 of them:
 * about 1.7 * 10^10 codes, against the few guesses the attempt limiter lets through.
 */
export const userCodeAlphabet = 'BCDFGHJKMNPQRSTVWXZ';
const length = 8;

/** A new user code, in the spelling `normalUserCode` gives. */
export function randomUserCode(): string {
  return Array.from({ length }, () => userCodeAlphabet[randomInt(userCodeAlphabet.length)]).join('');
}

/** A user code as people read it: `XXXX-XXXX`. */
export function displayedUserCode(normal: string): string {
  return `${normal.slice(0, 4)}-${normal.slice(4)}`;
}

/**
 * A user code as typed, in the one spelling it is stored under: case, spaces and dashes
 * do not matter. Null for something that cannot be a user code, which is then not looked up.
 */
export function normalUserCode(typed: string): string | null {
  const letters = typed.toUpperCase().replace(/[\s-]/g, '');
  if (letters.length !== length) return null;
  return [...letters].every((letter) => userCodeAlphabet.includes(letter)) ? letters : null;
}
