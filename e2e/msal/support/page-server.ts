import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PageServer {
  /** The page's origin, e.g. http://127.0.0.1:41234: not Baton's, so every call to Baton is cross-origin. */
  origin: string;
  close(): Promise<void>;
}

const pageDir = fileURLToPath(new URL('../page/', import.meta.url));
/** Microsoft's browser bundle of the custom-auth client, exactly as npm installed it. */
const msalBundle = join(
  dirname(createRequire(import.meta.url).resolve('@azure/msal-browser/package.json')),
  'lib/custom-auth-path/msal-custom-auth.js',
);

const files: Record<string, { path: string; type: string }> = {
  '/': { path: join(pageDir, 'index.html'), type: 'text/html; charset=utf-8' },
  '/harness.js': { path: join(pageDir, 'harness.js'), type: 'text/javascript; charset=utf-8' },
  '/msal-custom-auth.js': { path: msalBundle, type: 'text/javascript; charset=utf-8' },
};

/** Serves the test page on its own 127.0.0.1 port. */
export async function servePage(): Promise<PageServer> {
  const server = createServer((request, response) => {
    const file = files[(request.url ?? '/').split('?')[0] ?? '/'];
    if (!file) {
      response.writeHead(404).end();
      return;
    }
    readFile(file.path).then(
      (body) => response.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(body),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
