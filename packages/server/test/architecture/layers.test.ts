import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The layers of packages/server/src, read from the import statements of its production
 * files (tests may reach across layers to set up what they prove).
 */
const src = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/** One import: `from` and a relative import's `target` are paths under src; a package import's target is its name. */
interface Import {
  from: string;
  target: string;
  isPackage: boolean;
}

interface Rule {
  name: string;
  /** The folder under src whose files the rule reads. */
  folder: string;
  forbiddenFolders: readonly string[];
  forbiddenPackages: readonly string[];
  /** An import the rule must refuse, so that it is known to be able to fail. */
  counterexample: Import;
}

const rules: Rule[] = [
  {
    name: 'core/ is the domain: no HTTP, no storage, no CLI, no Fastify, no SQL, no metrics library',
    folder: 'core',
    forbiddenFolders: ['http', 'storage', 'cli', 'metrics'],
    forbiddenPackages: ['fastify', '@fastify/', 'kysely', 'pg', 'better-sqlite3', 'prom-client'],
    counterexample: { from: 'core/model.ts', target: 'kysely', isPackage: true },
  },
  {
    name: 'crypto/ is a leaf: it imports nothing from core/',
    folder: 'crypto',
    forbiddenFolders: ['core'],
    forbiddenPackages: [],
    counterexample: { from: 'crypto/digest.ts', target: 'core/clock.ts', isPackage: false },
  },
  {
    name: 'storage/ knows nothing of HTTP',
    folder: 'storage',
    forbiddenFolders: ['http'],
    forbiddenPackages: ['fastify', '@fastify/'],
    counterexample: { from: 'storage/database.ts', target: 'fastify', isPackage: true },
  },
  {
    name: 'http/ reaches the database only through the domain',
    folder: 'http',
    forbiddenFolders: ['storage'],
    forbiddenPackages: [],
    counterexample: { from: 'http/app.ts', target: 'storage/database.ts', isPackage: false },
  },
];

function productionFiles(): string[] {
  return readdirSync(src, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
    .map((file) => file.split('\\').join('/'))
    .sort();
}

/** Static, type-only, re-exported and dynamic (`import('x')`) imports alike. */
function importsOf(file: string): Import[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(join(src, file), 'utf8'), true, true);
  return importedFiles.map(({ fileName: specifier }) =>
    specifier.startsWith('.')
      ? {
          from: file,
          target: relative(src, resolve(dirname(join(src, file)), specifier))
            .split('\\')
            .join('/')
            .replace(/\.js$/, '.ts'),
          isPackage: false,
        }
      : { from: file, target: specifier, isPackage: true },
  );
}

const describeImport = (found: Import) => `${found.from} -> ${found.target}`;
const topLevel = (path: string) => path.split('/')[0]!;
const namesPackage = (specifier: string, name: string) =>
  name.endsWith('/') ? specifier.startsWith(name) : specifier === name || specifier.startsWith(`${name}/`);

function breaks(rule: Rule, found: Import): boolean {
  if (topLevel(found.from) !== rule.folder) return false;
  return found.isPackage
    ? rule.forbiddenPackages.some((name) => namesPackage(found.target, name))
    : rule.forbiddenFolders.includes(topLevel(found.target));
}

function violations(rule: Rule, imports: readonly Import[]): string[] {
  return imports.filter((found) => breaks(rule, found)).map(describeImport);
}

/**
 * The cycles between the top-level entries of src (a folder, or a file at its root), each
 * as the entries in order with one import that makes every step.
 */
function directoryCycles(imports: readonly Import[]): string[] {
  const edges = new Map<string, Map<string, string>>();
  for (const found of imports) {
    if (found.isPackage) continue;
    const [from, to] = [topLevel(found.from), topLevel(found.target)];
    if (from === to) continue;
    const targets = edges.get(from) ?? new Map<string, string>();
    if (!targets.has(to)) targets.set(to, describeImport(found));
    edges.set(from, targets);
  }
  const seen = new Set<string>();
  const reports: string[] = [];
  const walk = (path: string[]) => {
    for (const next of edges.get(path.at(-1)!)?.keys() ?? []) {
      const start = path.indexOf(next);
      if (start < 0) {
        walk([...path, next]);
        continue;
      }
      const entries = path.slice(start);
      // One report per cycle, whichever of its entries the walk came in by.
      const key = entries
        .map((_, index) => [...entries.slice(index), ...entries.slice(0, index)].join(' -> '))
        .sort()[0]!;
      if (seen.has(key)) continue;
      seen.add(key);
      const cycle = [...entries, next];
      const steps = cycle.slice(1).map((to, index) => edges.get(cycle[index]!)!.get(to)!);
      reports.push(`${cycle.join(' -> ')} (${steps.join('; ')})`);
    }
  };
  for (const entry of edges.keys()) walk([entry]);
  return reports;
}

const imports = productionFiles().flatMap(importsOf);

/**
 * What the operator console (http/console) may import besides http/: the services' type
 * (for the CSRF and cookie keys and the clock), the clock, the policy's evaluation points,
 * the master key's type and the parameter reader. Of the management API, only its prefix.
 */
const consoleMayImport = new Set([
  'core/services.ts',
  'core/clock.ts',
  'core/policy/policy-document.ts',
  'crypto/master-key.ts',
  'oauth/params.ts',
  'http/admin/admin-api.ts',
]);

function consoleReachingAround(found: readonly Import[]): string[] {
  return found
    .filter(
      (i) =>
        i.from.startsWith('http/console/') &&
        !i.isPackage &&
        (!i.target.startsWith('http/') || i.target.startsWith('http/admin/')) &&
        !consoleMayImport.has(i.target),
    )
    .map(describeImport);
}

describe('the layers of packages/server/src', () => {
  it('finds the imports it checks', () => {
    expect(imports.some((found) => found.from === 'core/services.ts' && found.target === 'core/keys/key-ring.ts')).toBe(
      true,
    );
  });

  describe.each(rules)('$name', (rule) => {
    it('holds', () => {
      expect(violations(rule, imports), `imports that break "${rule.name}"`).toEqual([]);
    });

    it('refuses an import that breaks it', () => {
      expect(violations(rule, [rule.counterexample])).toEqual([describeImport(rule.counterexample)]);
    });
  });

  it('the console reaches data only through the management API: no domain service, repository or view, and only its wiring holds the services', () => {
    expect(consoleReachingAround(imports)).toEqual([]);
    const counterexample = {
      from: 'http/console/user-pages.ts',
      target: 'core/accounts/user-administration.ts',
      isPackage: false,
    };
    expect(consoleReachingAround([counterexample])).toEqual([describeImport(counterexample)]);
    const holders = productionFiles().filter(
      (file) => file.startsWith('http/console/') && /\bservices\./.test(readFileSync(join(src, file), 'utf8')),
    );
    expect(holders).toEqual(['http/console/console-deps.ts', 'http/console/index.ts']);
  });

  it('has no cycle between the folders of src', () => {
    expect(directoryCycles(imports), 'cycles between top-level folders').toEqual([]);
  });

  it('reports a cycle between folders, with the imports that make it', () => {
    const cycle: Import[] = [
      { from: 'core/model.ts', target: 'http/app.ts', isPackage: false },
      { from: 'http/app.ts', target: 'core/model.ts', isPackage: false },
    ];
    expect(directoryCycles(cycle)).toEqual([
      'core -> http -> core (core/model.ts -> http/app.ts; http/app.ts -> core/model.ts)',
    ]);
  });
});
