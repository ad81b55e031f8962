import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { terminalQrCode } from './terminal-qr.js';

describe('terminalQrCode', () => {
  it('draws a square QR code of block characters, two modules a line, and a different one for another link', async () => {
    const link = 'http://localhost:8080/demo/device?user_code=BCDF-GHJK';
    const drawn = await terminalQrCode(link);
    const lines = drawn.split('\n').filter((line) => line.length > 0);
    const width = [...stripVTControlCharacters(lines[0]!)].length;
    // Square: each line is two rows of modules, so about half as many lines as columns (the quiet zone adds one).
    expect(width).toBeGreaterThanOrEqual(25);
    expect(Math.abs(lines.length * 2 - width)).toBeLessThanOrEqual(4);
    expect(drawn).toMatch(/[▀▄█]/);
    expect(await terminalQrCode(link.replace('BCDF', 'ZZZZ'))).not.toBe(drawn);
  });
});
