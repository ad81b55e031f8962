import { grantTypes, tokenTypes } from '@baton/protocol';
import { execFile } from 'node:child_process';
import { randomBytes, type JsonWebKey } from 'node:crypto';
import { existsSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { dpopProver, newDpopKey } from '../lib/dpop-proof.js';
import { serverCore, spawnPinned } from '../lib/pinned.js';
import { type SeedResult, seedSessions } from '../lib/session-seed.js';
import { policyFreshnessMs } from '../../packages/server/src/core/policy/policy-service.js';

const batonBin = join(import.meta.dirname, '..', '..', 'packages', 'server', 'bin', 'baton.js');
const run = promisify(execFile);

export interface BatonUnderTest {
  url: string;
  /** The server's process (the primary, with `BATON_WORKERS` > 1), and PostgreSQL's postmaster when it holds the database. */
  pids: number[];
  /** The sessions written into the database before it started, or null. */
  seed: SeedResult | null;
  /** `/{tenant}`: the prefix of the tenant's endpoints. */
  tenantPath: string;
  /** A public native-auth app (password sign-in, refresh); it may hand sessions off (the phone). */
  publicClientId: string;
  /** A public app that accepts session transfers (the companion): its refresh tokens are DPoP-bound. */
  companionClientId: string;
  /** The token endpoint as the server's discovery document names it: what DPoP proofs put in `htu`. */
  tokenUrl: string;
  /** A confidential app for client_credentials. */
  service: { clientId: string; secret: string };
  /** One account per load connection (bench/lib/load-spec.ts says why), all with `password`. */
  usernames: string[];
  password: string;
  /** Signs in `count` times over HTTP and returns the refresh tokens. */
  refreshTokens(count: number): Promise<string[]>;
  /**
   * `count` companion lineages, one key for all: each signs in on the phone app, asks for
   * a session transfer token and redeems it as the companion with a DPoP proof.
   */
  dpopRefreshTokens(count: number): Promise<{ key: JsonWebKey; tokens: string[] }>;
  /** `baton policy set` with `document`, and the second every instance takes to see it. */
  setPolicy(document: unknown): Promise<void>;
  /** The policy evaluations at `refresh` so far, and their time, from the server's metrics (baton_policy_evaluation_seconds). */
  policyEvaluations(): Promise<{ count: number; seconds: number }>;
  /** Stops the server; on SQLite, says how large the database file was once it closed (its WAL checkpointed). */
  stop(): Promise<{ databaseBytes: number | null }>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The real `baton serve`, pinned to `cores` (the server core unless said), on a fresh
 * SQLite file or on `database` (a PostgreSQL URL, its postmaster `databasePid`). The
 * tenant, apps and user are made with the CLI, as an operator would; with `seedSessions`,
 * that many sessions are then written straight into the SQLite file before the server
 * starts. It runs with its metrics listener on, as in production (a few percent of a
 * refresh's CPU). `env` adds settings (`BATON_WORKERS`); `nodeArgs` go to the server's node
 * (e.g. `--cpu-prof`).
 */
export async function startBaton(
  options: {
    env?: Record<string, string>;
    nodeArgs?: string[];
    cores?: number | string;
    database?: { url: string; pid: number };
    seedSessions?: number;
  } = {},
): Promise<BatonUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-bench-'));
  const databaseFile = join(dir, 'baton.db');
  const port = await freePort();
  const metricsPort = await freePort();
  const fullEnv = {
    ...process.env,
    BATON_DATABASE_URL: options.database?.url ?? databaseFile,
    BATON_DATA_DIR: dir,
    BATON_MASTER_KEY: randomBytes(32).toString('base64'),
    BATON_PORT: String(port),
    BATON_HOST: '127.0.0.1',
    BATON_PUBLIC_URL: `http://127.0.0.1:${port}`,
    // what (h) learns of the policy's own cost comes from there
    BATON_METRICS_PORT: String(metricsPort),
    ...options.env,
  };
  const cli = async (...args: string[]) =>
    JSON.parse((await run(process.execPath, [batonBin, ...args, '--json'], { env: fullEnv })).stdout) as Record<
      string,
      string
    >;

  const tenant = 'bench';
  const usernames = Array.from({ length: 10 }, (_, i) => `bench-user-${i}@example.com`);
  const password = `bench ${randomBytes(9).toString('base64url')}`;
  await cli('tenant', 'create', tenant);
  const [publicApp, serviceApp, companionApp] = await Promise.all([
    cli(
      'app',
      'create',
      '--tenant',
      tenant,
      '--name',
      'Bench native app',
      '--challenge-types',
      'password,redirect',
      '--allow-session-transfer',
    ),
    cli(
      'app',
      'create',
      '--tenant',
      tenant,
      '--name',
      'Bench service',
      '--type',
      'confidential',
      '--scope',
      'api:read',
    ),
    cli('app', 'create', '--tenant', tenant, '--name', 'Bench companion app', '--accept-session-transfer'),
    ...usernames.map((email) => cli('user', 'create', '--tenant', tenant, '--email', email, '--password', password)),
  ]);

  const seed = options.seedSessions
    ? await seedSessions(databaseFile, {
        tenant,
        clientId: publicApp!.client_id!,
        usernames,
        masterKey: fullEnv.BATON_MASTER_KEY,
        count: options.seedSessions,
      })
    : null;
  const server = spawnPinned(options.cores ?? serverCore, [...(options.nodeArgs ?? []), batonBin, 'serve', '--json'], {
    env: fullEnv,
    stderr: openSync(join(dir, 'baton.log'), 'a'),
  });
  const { url } = (await server.ready) as { url: string };
  const tenantPath = `/${tenant}`;
  const publicClientId = publicApp!.client_id!;
  const companionClientId = companionApp!.client_id!;
  const { token_endpoint: tokenUrl } = (await (
    await fetch(`${url}${tenantPath}/v2.0/.well-known/openid-configuration`)
  ).json()) as { token_endpoint: string };

  async function post(
    step: string,
    fields: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<Record<string, string>> {
    const response = await fetch(`${url}${tenantPath}/oauth2/v2.0/${step}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams({ client_id: publicClientId, ...fields }),
    });
    const body = (await response.json()) as Record<string, string>;
    if (response.status !== 200) throw new Error(`Baton ${step} answered ${response.status}: ${JSON.stringify(body)}`);
    return body;
  }
  async function signIn(username: string): Promise<string> {
    const initiated = await post('initiate', { username, challenge_type: 'password redirect' });
    const challenged = await post('challenge', {
      continuation_token: initiated.continuation_token!,
      challenge_type: 'password redirect',
    });
    const tokens = await post('token', {
      continuation_token: challenged.continuation_token!,
      grant_type: 'password',
      password,
      scope: 'openid profile offline_access',
    });
    return tokens.refresh_token!;
  }
  /**
   * `count` results of `make`, four in flight at a time, each of the four signing in its own
   * account: sign-ins racing at one account race at its attempt counter, which is not what
   * filling a pool should measure (and on PostgreSQL such a race can fail a sign-in with a 500).
   */
  async function collect(count: number, make: (username: string) => Promise<string>): Promise<string[]> {
    const made: string[] = [];
    await Promise.all(
      usernames.slice(0, 4).map(async (username) => {
        while (made.length < count) made.push(await make(username));
      }),
    );
    return made.slice(0, count);
  }

  let stopped: Promise<{ databaseBytes: number | null }> | undefined;
  return {
    url,
    pids: [server.child.pid!, ...(options.database ? [options.database.pid] : [])],
    seed,
    tenantPath,
    publicClientId,
    companionClientId,
    tokenUrl,
    usernames,
    password,
    service: { clientId: serviceApp!.client_id!, secret: serviceApp!.client_secret! },
    refreshTokens: (count) => collect(count, signIn),
    async dpopRefreshTokens(count) {
      const key = newDpopKey();
      const proof = dpopProver(key, tokenUrl);
      const tokens = await collect(count, async (username) => {
        const transfer = await post('token', {
          grant_type: grantTypes.tokenExchange,
          subject_token: await signIn(username),
          subject_token_type: tokenTypes.refreshToken,
          requested_token_type: tokenTypes.sessionTransferToken,
          audience: companionClientId,
        });
        const redeemed = await post(
          'token',
          {
            grant_type: grantTypes.tokenExchange,
            client_id: companionClientId,
            subject_token: transfer.access_token!,
            subject_token_type: tokenTypes.sessionTransferToken,
          },
          { dpop: proof() },
        );
        if (redeemed.token_type !== 'DPoP')
          throw new Error(`The handoff answered token_type ${redeemed.token_type}, not DPoP`);
        return redeemed.refresh_token!;
      });
      return { key, tokens };
    },
    async setPolicy(document) {
      const file = join(dir, 'policy.json');
      writeFileSync(file, JSON.stringify(document));
      await cli('policy', 'set', '--tenant', tenant, '--file', file);
      await new Promise((resolve) => setTimeout(resolve, policyFreshnessMs + 100));
    },
    async policyEvaluations() {
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      const value = (name: string) =>
        Number(
          new RegExp(`^baton_policy_evaluation_seconds_${name}\\{at="refresh"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0,
        );
      return { count: value('count'), seconds: value('sum') };
    },
    stop() {
      stopped ??= server.stop().then(() => {
        const databaseBytes = options.database
          ? null
          : [databaseFile, `${databaseFile}-wal`].reduce((sum, f) => sum + (existsSync(f) ? statSync(f).size : 0), 0);
        rmSync(dir, { recursive: true, force: true });
        return { databaseBytes };
      });
      return stopped;
    },
  };
}
