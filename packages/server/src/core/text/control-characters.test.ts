import { describe, expect, it } from 'vitest';
import { escapeControlCharacters, stripControlCharacters } from './control-characters.js';

describe('control characters', () => {
  const hostile = 'Pixel\n8\x1b[31m red\x1b]8;;https://x\x07\x9b\u202eA\x7f\tB';

  it('are dropped from text a client sends, line breaks and tabs becoming spaces', () => {
    expect(stripControlCharacters(hostile)).toBe('Pixel 8[31m red]8;;https://xA B');
    expect(stripControlCharacters('Ada’s Watch ⌚')).toBe('Ada’s Watch ⌚');
  });

  it('are escaped in text shown on a terminal', () => {
    expect(escapeControlCharacters(hostile)).toBe(
      'Pixel\\n8\\x1b[31m red\\x1b]8;;https://x\\x07\\x9b\\u202eA\\x7f\\tB',
    );
    expect(escapeControlCharacters('Ada’s Watch ⌚')).toBe('Ada’s Watch ⌚');
  });
});
