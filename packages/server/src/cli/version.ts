import { readFileSync } from 'node:fs';

/** The version of the server package this command belongs to (packages/server/package.json). */
export function batonVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}
