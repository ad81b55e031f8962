import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');
const nodeOnly = new Set([...builtinModules, 'ws']);

/** Every module specifier `entry` reaches through relative imports, with the files it read. */
function reach(entry: string) {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const [, specifier] of text.matchAll(
      /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'|import\s*\(\s*'([^']+)'\s*\)|(?:^|\n)import\s+'([^']+)'/g,
    )) {
      if (!specifier) continue;
      if (specifier.startsWith('.')) visit(join(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else packages.add(specifier);
    }
  };
  visit(join(src, entry));
  return { files: [...files].map((f) => relative(src, f)), packages: [...packages] };
}

describe('the browser entry (@baton/sdk)', () => {
  it('reaches no Node-only module: only fetch, WebCrypto, jose and the protocol package', () => {
    const { files, packages } = reach('index.ts');
    expect(packages.filter((p) => nodeOnly.has(p) || p.startsWith('node:'))).toEqual([]);
    expect(packages.sort()).toEqual(['@baton/protocol', 'jose']);
    expect(files).not.toContain('node.ts');
    expect(files).not.toContain(join('storage', 'file-store.ts'));
    expect(files.length).toBeGreaterThan(20);
  });

  it('uses no Node globals (process, Buffer, require) in the files it reaches', () => {
    for (const file of reach('index.ts').files) {
      const code = readFileSync(join(src, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      expect(code, file).not.toMatch(/\b(process|Buffer|require|__dirname)\b/);
    }
  });

  it('the Node entry is where the file store and ws live', () => {
    const { packages, files } = reach('node.ts');
    expect(packages).toEqual(expect.arrayContaining(['ws', 'node:os', 'node:fs/promises']));
    expect(files).toContain(join('storage', 'file-store.ts'));
  });
});
