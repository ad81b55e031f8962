import { describe, expect, it } from 'vitest';
import { displayedUserCode, normalUserCode, randomUserCode, userCodeAlphabet } from './user-codes.js';

describe('user codes', () => {
  it('are XXXX-XXXX of consonants that cannot be mistaken for digits or each other', () => {
    for (let i = 0; i < 200; i++)
      expect(displayedUserCode(randomUserCode())).toMatch(/^[BCDFGHJKMNPQRSTVWXZ]{4}-[BCDFGHJKMNPQRSTVWXZ]{4}$/);
    for (const letter of 'AEIOUYL01') expect(userCodeAlphabet).not.toContain(letter);
  });

  it('read back as they were drawn', () => {
    const code = randomUserCode();
    expect(normalUserCode(displayedUserCode(code))).toBe(code);
  });

  it('are read in any case, with or without the dash or spaces', () => {
    expect(normalUserCode('bcdf-ghjk')).toBe('BCDFGHJK');
    expect(normalUserCode('BCDFGHJK')).toBe('BCDFGHJK');
    expect(normalUserCode(' bcdf ghjk ')).toBe('BCDFGHJK');
  });

  it('refuse what cannot be a code', () => {
    expect(normalUserCode('BCDF-GHJ')).toBeNull();
    expect(normalUserCode('BCDF-GHJA')).toBeNull();
    expect(normalUserCode('')).toBeNull();
  });
});
