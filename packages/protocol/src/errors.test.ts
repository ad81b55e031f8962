import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCatalog, suberrors } from './errors.js';

const page = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
const documented = (section: string) => {
  const body = page.split(`## ${section}`)[1]?.split('\n## ')[0] ?? '';
  return new Map([...body.matchAll(/^\| `([a-z_]+)` +\| ([^|]+) \|/gm)].map((m) => [m[1]!, m[2]!.trim()]));
};

describe('docs/errors.md', () => {
  it('lists every error code of the catalog with its status, and nothing else', () => {
    const codes = documented('Error codes');
    expect([...codes.keys()].sort()).toEqual(Object.keys(errorCatalog).sort());
    for (const [code, entry] of Object.entries(errorCatalog)) expect(codes.get(code), code).toBe(String(entry.status));
  });

  it('lists every suberror, and nothing else', () => {
    expect([...documented('Suberrors (native-auth)').keys()].sort()).toEqual([...suberrors].sort());
  });
});
