import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { emptyFolder, isolatedBatonEnv } from './support/baton-env.js';
import { repoRoot, runBaton, runBatonJson, runToEnd, spawnProcess, stopAllProcesses } from './support/baton-process.js';
import { readStored } from './support/stored-state.js';
import { digest } from '../packages/server/src/crypto/digest.js';

/**
 * The `baton` command as a user runs it, one process per command, on one SQLite
 * installation. No BATON_MASTER_KEY is set, so the first command generates one into
 * BATON_DATA_DIR, and logs at info level: neither may reach stdout.
 */
describe('the baton CLI with --json', () => {
  let env: Record<string, string>;
  let databaseUrl: string;
  const baton = (...args: string[]) => runBatonJson(args, { env });

  beforeAll(async () => {
    const { BATON_MASTER_KEY: _generatedInstead, ...isolated } = await isolatedBatonEnv('sqlite');
    env = { ...isolated, BATON_LOG_LEVEL: 'info' };
    databaseUrl = env.BATON_DATABASE_URL!;
  });
  afterAll(stopAllProcesses);

  it('`npx baton --help` works from the repository root', async () => {
    const exit = await runToEnd(spawnProcess('npx', ['baton', '--help'], { cwd: repoRoot }), 30_000);
    expect(exit.code).toBe(0);
    expect(exit.stdout).toMatch(/^Usage: baton /);
    for (const command of ['serve', 'migrate', 'tenant', 'app', 'user', 'sessions', 'keys'])
      expect(exit.stdout).toContain(`  ${command}`);
  });

  it('migrate applies the schema once and reports it', async () => {
    const first = await baton('migrate');
    expect(first.code).toBe(0);
    expect(first.json).toEqual({ engine: 'sqlite', applied: expect.arrayContaining([expect.any(String)]) });
    const again = await baton('migrate');
    expect(again.json).toEqual({ engine: 'sqlite', applied: [] });
  });

  it('tenant create prints {id, name}; the master-key warning goes to stderr', async () => {
    const created = await baton('tenant', 'create', 'acme');
    expect(created.code).toBe(0);
    expect(created.json).toEqual({ id: expect.any(String), name: 'acme' });
    expect(created.stderr).toContain('Generated a development master key');
  });

  it('takes --json before the command as well, and prints the value on one line', async () => {
    const exit = await runBaton(['--json', 'tenant', 'create', 'json-first'], { env });
    expect(exit.code).toBe(0);
    expect(exit.stdout.endsWith('\n') && !exit.stdout.trimEnd().includes('\n'), exit.stdout).toBe(true);
    expect(JSON.parse(exit.stdout)).toEqual({ id: expect.any(String), name: 'json-first' });
  });

  it('tenant create --logo-url --color stores the theme of the hosted pages', async () => {
    const created = await baton(
      'tenant',
      'create',
      'themed',
      '--logo-url',
      'https://cdn.example.com/logo.svg',
      '--color',
      '#0a7d4f',
    );
    expect(created.code).toBe(0);
    const stored = await readStored(databaseUrl, (repos) => repos.tenants.findByName('themed'));
    expect(stored?.theme).toEqual({ logoUrl: 'https://cdn.example.com/logo.svg', color: '#0a7d4f' });
  });

  it('app create --type public prints a client_id and no secret, with every flag of the contract stored', async () => {
    const created = await baton(
      'app',
      'create',
      '--tenant',
      'acme',
      '--name',
      'Phone app',
      '--type',
      'public',
      '--challenge-types',
      'oob,password',
      '--redirect-uri',
      'com.example.phone://auth',
      '--redirect-uri',
      'https://app.example.com/callback',
      '--post-logout-redirect-uri',
      'https://app.example.com/',
      '--post-logout-redirect-uri',
      'https://app.example.com/bye',
      '--allowed-origin',
      'https://app.example.com',
      '--allowed-origin',
      'https://admin.example.com',
      '--require-mfa',
      '--mfa-registration',
      'any-address',
      '--allow-refresh-token-export',
      '--allow-session-transfer',
      '--accept-session-transfer',
      '--sso-group',
      'acme-suite',
      '--device-code',
    );
    expect(created.code).toBe(0);
    expect(created.json).toEqual({ client_id: expect.any(String) });
    const stored = await readStored(databaseUrl, async (repos) =>
      repos.apps.find((await repos.tenants.findByName('acme'))!.id, created.json.client_id),
    );
    expect(stored).toMatchObject({
      name: 'Phone app',
      type: 'public',
      secretDigest: null,
      challengeTypes: ['oob', 'password'],
      redirectUris: ['com.example.phone://auth', 'https://app.example.com/callback'],
      postLogoutRedirectUris: ['https://app.example.com/', 'https://app.example.com/bye'],
      allowedOrigins: ['https://app.example.com', 'https://admin.example.com'],
      requireMfa: true,
      mfaRegistration: 'any-address',
      allowRefreshTokenExport: true,
      allowSessionTransfer: true,
      acceptSessionTransfer: true,
      ssoGroup: 'acme-suite',
      deviceCode: true,
    });
  });

  it('app create --type confidential prints a client_id and a client_secret; the flags default to off', async () => {
    const created = await baton(
      'app',
      'create',
      '--tenant',
      'acme',
      '--name',
      'Backend',
      '--type',
      'confidential',
      '--scope',
      'orders.read',
      '--scope',
      'api://orders/.default',
    );
    expect(created.code).toBe(0);
    expect(created.json).toEqual({
      client_id: expect.any(String),
      client_secret: expect.stringMatching(/^[\w-]{32,}$/),
    });
    const stored = await readStored(databaseUrl, async (repos) =>
      repos.apps.find((await repos.tenants.findByName('acme'))!.id, created.json.client_id),
    );
    expect(stored).toMatchObject({
      type: 'confidential',
      requireMfa: false,
      mfaRegistration: 'own-address',
      allowRefreshTokenExport: false,
      allowSessionTransfer: false,
      acceptSessionTransfer: false,
      ssoGroup: null,
      deviceCode: false,
      scopes: ['orders.read', 'api://orders/.default'],
      admin: null,
    });
    expect(stored!.secretDigest).not.toContain(created.json.client_secret);
  });

  it('app create --admin read|write gives a confidential app management access, and refuses it to a public app', async () => {
    const created = await baton(
      'app',
      'create',
      '--tenant',
      'acme',
      '--name',
      'Operator console',
      '--type',
      'confidential',
      '--admin',
      'write',
    );
    expect(created.code).toBe(0);
    const stored = await readStored(databaseUrl, async (repos) =>
      repos.apps.find((await repos.tenants.findByName('acme'))!.id, created.json.client_id),
    );
    expect(stored).toMatchObject({ type: 'confidential', admin: 'write' });
    const publicApp = await baton('app', 'create', '--tenant', 'acme', '--name', 'Public admin', '--admin', 'read');
    expect(publicApp.code).toBe(1);
    expect(publicApp.json).toEqual({
      error: 'invalid_request',
      error_description: expect.stringContaining('confidential'),
    });
    const level = await baton(
      'app',
      'create',
      '--tenant',
      'acme',
      '--name',
      'Root',
      '--type',
      'confidential',
      '--admin',
      'root',
    );
    expect(level.code).toBe(1);
    expect(level.json).toEqual({ error: 'usage_error', error_description: expect.stringContaining('--admin') });
  });

  it.each([
    ['--redirect-uri', 'javascript:alert(1)//'],
    ['--redirect-uri', 'http://shop.example/callback'],
    ['--post-logout-redirect-uri', 'data:text/html,bye'],
    ['--scope', 'two words'],
  ])('app create refuses %s %s, naming the flag, and registers nothing', async (flag, value) => {
    const refused = await baton('app', 'create', '--tenant', 'acme', '--name', 'Refused app', flag, value);
    expect(refused.code).toBe(1);
    expect(refused.json).toEqual({ error: 'usage_error', error_description: expect.stringContaining(flag) });
    const names = await readStored(databaseUrl, async (repos) =>
      (await repos.apps.list((await repos.tenants.findByName('acme'))!.id)).map((a) => a.name),
    );
    expect(names).not.toContain('Refused app');
  });

  it('user create prints {id}; sessions list and revoke --user answer for a user without sessions; keys rotate prints the new key', async () => {
    const user = await baton(
      'user',
      'create',
      '--tenant',
      'acme',
      '--email',
      'grace@example.com',
      '--password',
      'correct horse battery staple',
    );
    expect(user.code).toBe(0);
    expect(user.json).toEqual({ id: expect.any(String) });
    const [listed, revoked, rotated] = await Promise.all([
      baton('sessions', 'list', '--tenant', 'acme', '--user', 'grace@example.com'),
      baton('sessions', 'revoke', '--tenant', 'acme', '--user', 'grace@example.com'),
      baton('keys', 'rotate', '--tenant', 'acme'),
    ]);
    expect([listed.code, revoked.code, rotated.code]).toEqual([0, 0, 0]);
    expect(listed.json).toEqual([]);
    expect(revoked.json).toEqual({ revoked: [] });
    expect(rotated.json).toEqual({ kid: expect.any(String), alg: 'ES256' });
  });

  it('tenant list, app list and audit list show what the commands above made and did; no client secret is shown again', async () => {
    const [tenants, apps, audit] = await Promise.all([
      baton('tenant', 'list'),
      baton('app', 'list', '--tenant', 'acme'),
      baton('audit', 'list', '--tenant', 'acme', '--user', 'grace@example.com'),
    ]);
    expect([tenants.code, apps.code, audit.code]).toEqual([0, 0, 0]);
    expect(tenants.json.map((t: { name: string }) => t.name)).toEqual(
      expect.arrayContaining(['acme', 'themed', 'json-first']),
    );
    expect(apps.json).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'Phone app',
          type: 'public',
          challenge_types: ['oob', 'password'],
          allowed_origins: ['https://app.example.com', 'https://admin.example.com'],
          require_mfa: true,
          mfa_registration: 'any-address',
        }),
        expect.objectContaining({
          name: 'Backend',
          type: 'confidential',
          require_mfa: false,
          mfa_registration: 'own-address',
          scopes: ['orders.read', 'api://orders/.default'],
        }),
      ]),
    );
    expect(JSON.stringify(apps.json)).not.toMatch(/secret/);
    const grace = await readStored(databaseUrl, async (repos) =>
      repos.users.findByEmail((await repos.tenants.findByName('acme'))!.id, 'grace@example.com'),
    );
    expect(audit.json).toEqual([
      expect.objectContaining({
        type: 'session.revoked',
        user_id: grace!.id,
        data: { reason: 'revoked_by_admin', sessions: [], actor: `cli:${userInfo().username}` },
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      }),
      expect.objectContaining({
        type: 'user.created',
        user_id: grace!.id,
        data: { actor: `cli:${userInfo().username}`, password: true },
      }),
    ]);
  });

  it('user delete erases the account, prints its id and the sessions it signed out, and frees the address', async () => {
    const created = await baton('user', 'create', '--tenant', 'acme', '--email', 'erase-me@example.com');
    const deleted = await baton('user', 'delete', '--tenant', 'acme', '--email', 'erase-me@example.com');
    expect(deleted.code).toBe(0);
    expect(deleted.json).toEqual({ id: created.json.id, revoked_sessions: [] });
    const again = await baton('user', 'delete', '--tenant', 'acme', '--email', 'erase-me@example.com');
    expect(again.code).toBe(1);
    expect(again.json).toEqual({ error: 'user_not_found', error_description: expect.any(String) });
    const recreated = await baton('user', 'create', '--tenant', 'acme', '--email', 'erase-me@example.com');
    expect(recreated.json.id).not.toBe(created.json.id);
    const audit = await baton('audit', 'list', '--tenant', 'acme', '--type', 'user.deleted');
    expect(audit.json).toEqual([expect.objectContaining({ user_id: created.json.id })]);
  });

  it('audit prune deletes the events older than the days given, and only those', async () => {
    const acme = (await readStored(databaseUrl, (repos) => repos.tenants.findByName('acme')))!;
    await readStored(databaseUrl, (repos) =>
      repos.audit.record({ tenantId: acme.id, type: 'test.old', createdAt: Date.now() - 40 * 86_400_000 }),
    );
    const before = (await baton('audit', 'list', '--tenant', 'acme', '--limit', '1000')).json.length;
    const pruned = await baton('audit', 'prune', '--older-than', '30', '--tenant', 'acme');
    expect(pruned.code).toBe(0);
    expect(pruned.json).toEqual({ deleted: 1 });
    const after = await baton('audit', 'list', '--tenant', 'acme', '--limit', '1000');
    expect(after.json).toHaveLength(before - 1);
    expect(after.json.map((e: { type: string }) => e.type)).not.toContain('test.old');
  });

  it('serve on a port already taken fails at once, naming the setting to change', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = String((taken.address() as { port: number }).port);
      const failed = await runBatonJson(['serve'], { env: { ...env, BATON_PORT: port, BATON_HOST: '127.0.0.1' } });
      expect(failed.code).toBe(1);
      expect(failed.json).toEqual({
        error: 'configuration_error',
        error_description: expect.stringMatching(new RegExp(`Port ${port} .*already in use.*BATON_PORT`)),
      });
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('names the setting when the database cannot be reached', async () => {
    const failed = await runBatonJson(['migrate'], {
      env: { ...env, BATON_DATABASE_URL: 'postgres://baton:x@127.0.0.1:1/baton' },
    });
    expect(failed.code).toBe(1);
    expect(failed.json).toEqual({
      error: 'database_unavailable',
      error_description: expect.stringMatching(/Cannot reach the database named by BATON_DATABASE_URL .*ECONNREFUSED/),
    });
  });

  it('backup copies the SQLite database into a new file that Baton can run on, and never overwrites one', async () => {
    const file = join(emptyFolder(), 'backups', 'baton-copy.db');
    const made = await baton('backup', file);
    expect(made.code).toBe(0);
    expect(made.json).toEqual({ path: file, bytes: expect.any(Number) });
    const fromCopy = await runBatonJson(['tenant', 'list'], { env: { ...env, BATON_DATABASE_URL: file } });
    expect(fromCopy.json.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(['acme', 'themed']));
    const again = await baton('backup', file);
    expect(again.code).toBe(1);
    expect(again.json.error_description).toMatch(/already exists/);
  });

  it('backup refuses a PostgreSQL database and names the tool that backs it up, and a missing SQLite file without creating it', async () => {
    const postgres = await runBatonJson(['backup', join(emptyFolder(), 'x.db')], {
      env: await isolatedBatonEnv('postgres'),
    });
    expect(postgres.code).toBe(1);
    expect(postgres.json).toEqual({ error: 'backup_refused', error_description: expect.stringMatching(/pg_dump/) });
    const missing = join(emptyFolder(), 'nothing-here.db');
    const none = await runBatonJson(['backup', join(emptyFolder(), 'y.db')], {
      env: { ...env, BATON_DATABASE_URL: missing },
    });
    expect(none.code).toBe(1);
    expect(none.json.error_description).toMatch(/no database at/);
    expect(existsSync(missing)).toBe(false);
  });

  describe.concurrent('failures: non-zero exit, one line on stderr, one JSON error object on stdout', () => {
    it.each([
      ['a bad tenant name', ['tenant', 'create', 'Not A Name'], /tenant name is 1-63 lower-case letters/],
      ['a duplicate tenant', ['tenant', 'create', 'acme'], /tenant named "acme" already exists/],
      ['an unknown tenant', ['app', 'create', '--tenant', 'nowhere', '--name', 'x'], /Tenant "nowhere" not found/],
      [
        'a weak password',
        ['user', 'create', '--tenant', 'acme', '--email', 'weak@example.com', '--password', 'password'],
        /password is too common/,
      ],
      [
        'sessions revoke with neither --session nor --user',
        ['sessions', 'revoke', '--tenant', 'acme'],
        /exactly one of --session <id> or --user <email>/,
      ],
      [
        'sessions revoke with both --session and --user',
        ['sessions', 'revoke', '--tenant', 'acme', '--session', 'x', '--user', 'grace@example.com'],
        /exactly one of --session <id> or --user <email>/,
      ],
      ['an unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
      ['no command', [], /name a command/],
      [
        'a lifetime that is not a number of seconds',
        ['app', 'create', '--tenant', 'acme', '--name', 'Late', '--access-token-ttl=-5'],
        /--access-token-ttl .*whole number of seconds/,
      ],
      ['a command group without its command', ['tenant'], /name a command/],
      ['an unknown option', ['tenant', 'create', 'beta', '--colour', 'blue'], /unknown option '--colour'/],
      [
        'a logo URL that is not https',
        ['tenant', 'create', 'gamma', '--logo-url', 'http://cdn.example.com/logo.svg'],
        /logo URL must be an https:\/\/ URL/,
      ],
      [
        'a colour that is not one',
        ['tenant', 'create', 'delta', '--color', 'red;}body{display:none'],
        /theme colour must be/,
      ],
      [
        'an address that is not one, named by its flag',
        ['user', 'create', '--tenant', 'acme', '--email', 'not-an-address'],
        /--email is not an email address$/m,
      ],
      [
        'a missing required option',
        ['user', 'create', '--tenant', 'acme'],
        /required option '--email <email>' not specified/,
      ],
      [
        'an audit limit out of range',
        ['audit', 'list', '--tenant', 'acme', '--limit', '0'],
        /--limit must be a whole number from 1 to 1000/,
      ],
      [
        'a prune age that is not a number of days',
        ['audit', 'prune', '--older-than', 'soon'],
        /--older-than must be a whole number of days/,
      ],
    ])('%s', async (_case, args, message) => {
      const failed = await baton(...args);
      expect(failed.code).not.toBe(0);
      expect(failed.json).toEqual({ error: expect.any(String), error_description: expect.stringMatching(message) });
      expect(failed.stderr).toMatch(/^baton: [^\n]+\n$/);
      expect(failed.stderr).toMatch(message);
    });

    it('without --json, a failure prints its one line on stderr and nothing on stdout', async () => {
      const failed = await runBaton(['tenant', 'create', 'acme'], { env });
      expect(failed.code).toBe(1);
      expect(failed.stdout).toBe('');
      expect(failed.stderr).toBe('baton: A tenant named "acme" already exists\n');
    });
  });
});

/**
 * The operator's day one: every setting can be changed and read back, apps and tenants
 * deleted, secrets rotated, users listed and updated; every change audited with who made it.
 */
// Each test runs several commands, one process each: they get the time a loaded machine needs.
describe("the baton CLI for an operator's day one", { timeout: 180_000 }, () => {
  let env: Record<string, string>;
  let databaseUrl: string;
  const baton = (...args: string[]) => runBatonJson(args, { env });
  const actor = `cli:${userInfo().username}`;
  const storedApp = async (clientId: string) =>
    readStored(databaseUrl, async (repos) => repos.apps.find((await repos.tenants.findByName('ops'))!.id, clientId));

  beforeAll(async () => {
    env = await isolatedBatonEnv('sqlite');
    databaseUrl = env.BATON_DATABASE_URL!;
    expect((await baton('tenant', 'create', 'ops')).code).toBe(0);
  });
  afterAll(stopAllProcesses);

  it('--version prints the version of the package, as one JSON value with --json', async () => {
    const version = (await import('../packages/server/package.json', { with: { type: 'json' } })).default.version;
    const plain = await runBaton(['--version']);
    expect(plain).toMatchObject({ code: 0, stdout: `${version}\n` });
    expect((await runBatonJson(['--version'])).json).toEqual({ version });
  });

  it('a command that may not create a database fails where there is none, says where it looked, and creates nothing', async () => {
    const folder = emptyFolder();
    const failed = await runBatonJson(['tenant', 'list'], { cwd: folder });
    expect(failed.code).toBe(1);
    expect(failed.json).toEqual({
      error: 'configuration_error',
      error_description: expect.stringContaining(`No Baton database at ${join(folder, 'data', 'baton.db')}`),
    });
    expect(failed.json.error_description).toMatch(/BATON_DATABASE_URL/);
    expect(existsSync(join(folder, 'data'))).toBe(false);
  });

  it('a PostgreSQL database without Baton tables is refused the same way, naming the URL without its password', async () => {
    const postgres = await isolatedBatonEnv('postgres');
    const failed = await runBatonJson(['user', 'list', '--tenant', 'ops'], { env: postgres });
    expect(failed.code).toBe(1);
    expect(failed.json.error_description).toMatch(/has no Baton tables.*baton migrate/);
    expect(failed.json.error_description).not.toContain(new URL(postgres.BATON_DATABASE_URL!).password || 'never');
  });

  it('tenant update changes the settings given, and tenant list shows every setting', async () => {
    const updated = await baton(
      'tenant',
      'update',
      'ops',
      '--display-name',
      'Ops Inc',
      '--color',
      '#0a7d4f',
      '--code-length',
      '6',
    );
    expect(updated.code).toBe(0);
    expect(updated.json).toMatchObject({
      name: 'ops',
      display_name: 'Ops Inc',
      code_length: 6,
      theme: { color: '#0a7d4f' },
    });
    const listed = (await baton('tenant', 'list')).json.find((t: { name: string }) => t.name === 'ops');
    expect(listed).toEqual({ ...updated.json });
    const refused = await baton('tenant', 'update', 'ops', '--code-length', '12');
    expect(refused.json.error_description).toMatch(/^--code-length: .*6, 7 or 8/);
  });

  it('app update changes the flags given and keeps the others; app list shows every setting, attributes included', async () => {
    const created = await baton(
      'app',
      'create',
      '--tenant',
      'ops',
      '--name',
      'Shop',
      '--scope',
      'orders.read',
      '--allow-session-transfer',
    );
    const clientId = created.json.client_id;
    const updated = await baton(
      'app',
      'update',
      clientId,
      '--tenant',
      'ops',
      '--require-mfa',
      '--no-allow-session-transfer',
      '--redirect-uri',
      'https://shop.example/cb',
      '--attribute',
      'country:required',
      '--access-token-ttl',
      '600',
    );
    expect(updated.code).toBe(0);
    expect(updated.json).toMatchObject({
      client_id: clientId,
      name: 'Shop',
      require_mfa: true,
      allow_session_transfer: false,
      scopes: ['orders.read'],
      redirect_uris: ['https://shop.example/cb'],
      attributes: [{ name: 'country', type: 'string', required: true }],
      access_token_ttl: 600,
    });
    const listed = (await baton('app', 'list', '--tenant', 'ops')).json.find(
      (a: { client_id: string }) => a.client_id === clientId,
    );
    expect(listed).toEqual(updated.json);
    const refused = await baton(
      'app',
      'update',
      clientId,
      '--tenant',
      'ops',
      '--allowed-origin',
      'https://shop.example/path',
    );
    expect(refused.code).toBe(1);
    expect(refused.json.error_description).toMatch(/^--allowed-origin: /);
    expect(await storedApp(clientId)).toMatchObject({ allowedOrigins: [] });
  });

  it('app rotate-secret prints a new secret once and the old one stops matching; a public app has none', async () => {
    const created = await baton('app', 'create', '--tenant', 'ops', '--name', 'Backend', '--type', 'confidential');
    const rotated = await baton('app', 'rotate-secret', created.json.client_id, '--tenant', 'ops');
    expect(rotated.code).toBe(0);
    expect(rotated.json).toEqual({ client_id: created.json.client_id, client_secret: expect.any(String) });
    expect(rotated.json.client_secret).not.toBe(created.json.client_secret);
    expect((await storedApp(created.json.client_id))?.secretDigest).toBe(digest(rotated.json.client_secret));
    const publicApp = await baton('app', 'create', '--tenant', 'ops', '--name', 'Phone');
    const refused = await baton('app', 'rotate-secret', publicApp.json.client_id, '--tenant', 'ops');
    expect(refused.code).toBe(1);
    expect(refused.json.error_description).toMatch(/public app has no client secret/);
  });

  it('app delete deletes the app and revokes its sessions; deleting it again succeeds and changes nothing', async () => {
    const created = await baton('app', 'create', '--tenant', 'ops', '--name', 'Doomed');
    const deleted = await baton('app', 'delete', created.json.client_id, '--tenant', 'ops');
    expect(deleted.json).toEqual({ client_id: created.json.client_id, deleted: true, revoked_sessions: [] });
    expect(await storedApp(created.json.client_id)).toBeNull();
    const again = await baton('app', 'delete', created.json.client_id, '--tenant', 'ops');
    expect(again).toMatchObject({ code: 0, json: { deleted: false, revoked_sessions: [] } });
  });

  it('user list finds users by --email; user update changes name, attributes and verification, by id or by --email', async () => {
    const created = await baton(
      'user',
      'create',
      '--tenant',
      'ops',
      '--email',
      'Lin@Example.com',
      '--attribute',
      'city=Oslo',
    );
    await baton('user', 'create', '--tenant', 'ops', '--email', 'max@example.com');
    const all = await baton('user', 'list', '--tenant', 'ops');
    expect(all.json.map((u: { email: string }) => u.email)).toEqual(['lin@example.com', 'max@example.com']);
    const one = await baton('user', 'list', '--tenant', 'ops', '--email', 'lin@example.com');
    expect(one.json).toEqual([
      {
        id: created.json.id,
        email: 'lin@example.com',
        email_verified: true,
        display_name: null,
        attributes: { city: 'Oslo' },
        created_at: expect.any(String),
      },
    ]);
    const byEmail = await baton(
      'user',
      'update',
      '--tenant',
      'ops',
      '--email',
      'lin@example.com',
      '--name',
      'Lin',
      '--attribute',
      'plan=pro',
      '--attribute',
      'city=',
    );
    expect(byEmail.json).toMatchObject({ id: created.json.id, display_name: 'Lin', attributes: { plan: 'pro' } });
    const byId = await baton('user', 'update', created.json.id, '--tenant', 'ops', '--email-verified', 'false');
    expect(byId.json).toMatchObject({ email_verified: false, display_name: 'Lin' });
    const both = await baton(
      'user',
      'update',
      created.json.id,
      '--tenant',
      'ops',
      '--email',
      'lin@example.com',
      '--name',
      'X',
    );
    expect(both.json.error_description).toMatch(/by its id or by --email/);
    const weak = await baton('user', 'update', created.json.id, '--tenant', 'ops', '--password', 'password');
    expect(weak.json.error_description).toMatch(/^--password: .*too common/);
    const unknown = await baton('user', 'update', '--tenant', 'ops', '--email', 'nobody@example.com', '--name', 'X');
    expect(unknown.json).toEqual({ error: 'user_not_found', error_description: expect.stringMatching(/--email/) });
  });

  it('audit list --type takes only known types, naming them; admin changes carry the OS user as their actor', async () => {
    const unknown = await baton('audit', 'list', '--tenant', 'ops', '--type', 'app.frobnicated');
    expect(unknown.code).toBe(1);
    expect(unknown.json.error).toBe('usage_error');
    expect(unknown.json.error_description).toMatch(/tenant\.deleted.*app\.created.*user\.updated/);
    const changes = await baton('audit', 'list', '--tenant', 'ops', '--type', 'app.updated');
    expect(changes.json).toEqual([expect.objectContaining({ data: expect.objectContaining({ actor }) })]);
    for (const type of [
      'tenant.created',
      'tenant.updated',
      'app.created',
      'app.deleted',
      'app.secret_rotated',
      'user.created',
      'user.updated',
      'keys.rotated',
    ])
      expect((await baton('audit', 'list', '--tenant', 'ops', '--type', type)).json.length, type).toBeGreaterThan(0);
  });

  it('keys list shows the keys that sign or still verify, newest first, and nothing private', async () => {
    const rotated = await baton('keys', 'rotate', '--tenant', 'ops', '--alg', 'RS256');
    const listed = await baton('keys', 'list', '--tenant', 'ops');
    expect(listed.code).toBe(0);
    expect(listed.json[0]).toEqual({
      kid: rotated.json.kid,
      alg: 'RS256',
      status: 'active',
      created_at: expect.any(String),
      retired_at: null,
      expires_at: null,
    });
    expect(listed.json.slice(1).every((key: { status: string }) => key.status === 'retired')).toBe(true);
    expect(JSON.stringify(listed.json)).not.toMatch(/sealed|private/i);
  });

  it('tenant delete asks for --yes, then erases the tenant and frees its name', async () => {
    await baton('tenant', 'create', 'doomed');
    const unconfirmed = await baton('tenant', 'delete', 'doomed');
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.json.error_description).toMatch(/--yes/);
    const deleted = await baton('tenant', 'delete', 'doomed', '--yes');
    expect(deleted.json).toEqual({ name: 'doomed', deleted: true });
    expect((await baton('tenant', 'list')).json.map((t: { name: string }) => t.name)).not.toContain('doomed');
    expect((await baton('tenant', 'create', 'doomed')).code).toBe(0);
  });
});
