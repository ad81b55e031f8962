import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBaton, runBatonJson } from '../../../../e2e/support/baton-process.js';
import { engines } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { expectTokens, nativeClient, passwordStep } from '../native-auth/native-client.js';

/**
 * Finding 7: a device name with a newline, an ANSI colour or an OSC 8 hyperlink was stored
 * as sent and printed raw by `baton sessions list`, so a client could forge lines or
 * rewrite the operator's terminal. Control characters are stripped where names enter, and
 * escaped where the CLI prints (rows stored before the fix included).
 */
const hostile =
  'Pixel\n2026-01-01T00:00:00Z  active   primary/forged line\x1b[31m red\x1b]8;;https://evil.example\x07link\x1b]8;;\x07\x9b2J\u202eevil';
/** C0 but newline, DEL, C1, and the bidi overrides: what must never reach an operator's terminal. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters the test must never find in the output
const raw = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

describe.each(engines)('control characters in device names, on %s', (engine) => {
  let t: TestServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    t = await startTestServer({ engine });
    const config = t.server.runtime.config;
    env = {
      BATON_DATABASE_URL: config.databaseUrl,
      BATON_DATA_DIR: config.dataDir,
      BATON_MASTER_KEY: config.masterKey!,
      BATON_LOG_LEVEL: 'warn',
    };
  });
  afterAll(async () => {
    await t?.close();
  });

  const listArgs = () => ['sessions', 'list', '--tenant', t.tenant.name, '--user', t.user.email];

  it('are stripped from a device name sent at sign-in, and never reach the terminal of `baton sessions list`', async () => {
    const client = nativeClient(t.base, t.app.clientId);
    const signedIn = await client.token('password', await passwordStep(client, t.user.email), {
      password: t.userPassword,
      device_name: hostile,
      device_platform: 'And\x1b[2Jroid',
    });
    expectTokens(signedIn);
    const sessions = await t.services.sessions.list(t.tenant, t.user);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.device.name).not.toMatch(raw);
    expect(sessions[0]!.device.name).not.toContain('\n');
    expect(sessions[0]!.device.platform).toBe('And[2Jroid');

    const listed = await runBaton(listArgs(), { env });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).not.toMatch(raw);
    expect(listed.stdout.trimEnd().split('\n')).toHaveLength(1);
  });

  it('in rows stored before the fix, are escaped in human output and JSON-escaped with --json', async () => {
    const [session] = await t.services.sessions.list(t.tenant, t.user);
    await t.server.runtime.database.db
      .updateTable('devices')
      .set({ name: hostile })
      .where('id', '=', session!.device.id)
      .execute();

    const listed = await runBaton(listArgs(), { env });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).not.toMatch(raw);
    const lines = listed.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('Pixel\\n2026-01-01T00:00:00Z');
    expect(lines[0]).toContain('\\x1b[31m');

    const json = await runBatonJson(listArgs(), { env });
    expect(json.stdout).not.toMatch(raw);
    expect(json.json[0].device.name).toBe(hostile);
  });
});
