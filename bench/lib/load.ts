import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadResult, LoadSpec } from './load-spec.js';
import { loadCore, spawnPinned } from './pinned.js';

const worker = join(import.meta.dirname, '..', 'load-worker.ts');

/** Runs one scenario from the load worker, pinned to the load core, and returns its results. */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-bench-load-'));
  const specFile = join(dir, 'spec.json');
  writeFileSync(specFile, JSON.stringify(spec));
  try {
    const loader = spawnPinned(loadCore, ['--import', 'tsx', worker, specFile]);
    return (await loader.ready) as LoadResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
