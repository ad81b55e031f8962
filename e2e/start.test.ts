import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getJson, postForm, signInWithPassword } from '../packages/server/test/support/http.js';
import { freePort } from '../packages/server/test/support/free-port.js';
import { emptyFolder } from './support/baton-env.js';
import { runBaton, runBatonJson, stopAllProcesses } from './support/baton-process.js';
import { serveBaton, type ServedBaton } from './support/baton-server.js';
import { readStored } from './support/stored-state.js';

/** The first-run report of `baton serve` (what `npm start` prints), read as a newcomer would. */
function startReport(stdout: string) {
  const clientId = /client_id:\s+(\S+)/.exec(stdout)?.[1];
  const discoveryUrl = /discovery URL:\s+(\S+)/.exec(stdout)?.[1];
  if (!clientId || !discoveryUrl) throw new Error(`no client_id and discovery URL in:\n${stdout}`);
  return { clientId, discoveryUrl };
}

/**
 * `npm start` (`baton serve`) in an empty folder with no BATON_DATABASE_URL, BATON_DATA_DIR
 * or BATON_MASTER_KEY: everything it needs is created under ./data/ on first start and
 * found again on the next.
 */
describe('baton serve on an empty folder', () => {
  let folder: string;
  let env: Record<string, string>;
  let server: ServedBaton | undefined;
  beforeAll(async () => {
    folder = emptyFolder();
    env = { BATON_PORT: String(await freePort()) };
  });
  // A start that failed half-way must not hold the port against the next one.
  afterEach(async () => {
    await server?.stop();
  });
  afterAll(stopAllProcesses);

  let first: ReturnType<typeof startReport>;
  it('creates ./data/ with the database and a 0600 master key, and a demo tenant whose client_id and discovery URL it prints', async () => {
    server = await serveBaton([], { env, cwd: folder });
    first = startReport(server.stdout());
    expect(server.stdout()).toContain('Created tenant "demo"');
    expect(readdirSync(join(folder, 'data'))).toEqual(expect.arrayContaining(['baton.db', 'master.key']));
    expect(statSync(join(folder, 'data', 'master.key')).mode & 0o777).toBe(0o600);

    const discovery = await getJson(first.discoveryUrl);
    expect(discovery.status).toBe(200);
    expect(first.discoveryUrl).toBe(`http://localhost:${env.BATON_PORT}/demo/v2.0/.well-known/openid-configuration`);
    expect(discovery.body.issuer).toBe(`http://localhost:${env.BATON_PORT}/demo/v2.0`);

    // The demo app has no users yet: add one from the CLI in the same folder, then sign in with the printed client_id.
    const user = await runBatonJson(
      [
        'user',
        'create',
        '--tenant',
        'demo',
        '--email',
        'newcomer@example.com',
        '--password',
        'correct horse battery staple',
      ],
      { env, cwd: folder },
    );
    expect(user.code).toBe(0);
    const base = `http://localhost:${env.BATON_PORT}/demo`;
    const signIn = await signInWithPassword(
      base,
      first.clientId,
      'newcomer@example.com',
      'correct horse battery staple',
    );
    expect(signIn.status).toBe(200);
    expect(signIn.body.refresh_token).toEqual(expect.any(String));

    const exit = await server.stop('SIGTERM');
    expect(exit.code).toBe(0);
  });

  it('reuses the same tenant, app and key on the next start, and creates nothing new', async () => {
    server = await serveBaton([], { env, cwd: folder });
    expect(server.stdout()).toContain('Using tenant "demo"');
    expect(startReport(server.stdout())).toEqual(first);
    // The master key in ./data/ still opens the signing key, so the same user signs in again.
    const base = `http://localhost:${env.BATON_PORT}/demo`;
    const signIn = await signInWithPassword(
      base,
      first.clientId,
      'newcomer@example.com',
      'correct horse battery staple',
    );
    expect(signIn.status).toBe(200);
    const refreshed = await postForm(`${base}/oauth2/v2.0/token`, {
      client_id: first.clientId,
      grant_type: 'refresh_token',
      refresh_token: signIn.body.refresh_token,
    });
    expect(refreshed.status).toBe(200);
    expect((await server.stop('SIGTERM')).code).toBe(0);

    const stored = await readStored(join(folder, 'data', 'baton.db'), async (repos) => {
      const tenants = await repos.tenants.list();
      return {
        tenants: tenants.map((t) => t.name),
        apps: (await repos.apps.list(tenants[0]!.id)).map((a) => a.clientId),
      };
    });
    expect(stored).toEqual({ tenants: ['demo'], apps: [first.clientId] });
  });
});

describe('baton serve in production', () => {
  afterAll(stopAllProcesses);

  it('refuses to start without BATON_MASTER_KEY, with a clear message, and writes nothing', async () => {
    const folder = emptyFolder();
    const exit = await runBaton(['serve'], {
      env: { NODE_ENV: 'production', BATON_PORT: String(await freePort()), BATON_PUBLIC_URL: 'https://id.example.com' },
      cwd: folder,
    });
    expect(exit.code).not.toBe(0);
    expect(exit.stderr).toBe('baton: BATON_MASTER_KEY is required when NODE_ENV=production\n');
    expect(exit.stdout).toBe('');
    expect(readdirSync(folder)).toEqual([]);
  });
});
