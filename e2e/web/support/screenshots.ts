import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

/** Where the committed screenshots live, shown in docs/hosted-pages.md and docs/console.md. */
export const docsScreenshots = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));

/**
 * The surfaces whose screenshots share docs/screenshots, told apart by a prefix of their
 * names: the hosted pages' have none, the console's start with `console-`, the account
 * page's (issue 19) with `account-`.
 */
const surfacePrefixes = { hosted: '', console: 'console-', account: 'account-' } as const;

export type Surface = keyof typeof surfacePrefixes;

/**
 * Screenshots taken by a browser test. A normal run writes them to a temporary folder (so
 * a test run leaves the tree clean); `BATON_SCREENSHOTS=1` (`npm run screenshots`) writes
 * them over the committed ones in docs/screenshots.
 */
export class Screenshots {
  private readonly updating = process.env.BATON_SCREENSHOTS === '1';
  readonly dir = this.updating ? docsScreenshots : mkdtempSync(join(tmpdir(), 'baton-screenshots-'));
  readonly taken: string[] = [];

  constructor() {
    mkdirSync(this.dir, { recursive: true });
  }

  /** The whole page as `<name>.png`. */
  async take(page: Page, name: string): Promise<void> {
    await page.screenshot({
      path: join(this.dir, `${name}.png`),
      fullPage: true,
      animations: 'disabled',
      caret: 'hide',
    });
    this.taken.push(name);
  }

  read(name: string): Buffer {
    return readFileSync(join(this.dir, `${name}.png`));
  }

  /** Removes the temporary folder of a normal run. */
  dispose(): void {
    if (!this.updating) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The PNGs of one surface committed under docs/screenshots, by name without the extension. */
export function committedScreenshots(surface: Surface): string[] {
  const others = Object.values(surfacePrefixes).filter((p) => p !== '' && p !== surfacePrefixes[surface]);
  return readdirSync(docsScreenshots)
    .filter((f) => f.endsWith('.png') && f.startsWith(surfacePrefixes[surface]))
    .map((f) => f.slice(0, -4))
    .filter((name) => !others.some((p) => name.startsWith(p)))
    .sort();
}
