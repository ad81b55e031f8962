import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProtectedApi } from '../protected-api/protected-api.js';
import { baton, exited, say, start } from './processes.js';

/**
 * `npm run demo:watch`: Baton, a phone and a watch as three processes on this machine.
 * The phone signs in with an email code and, once the pairing code the watch shows matches
 * its own, hands off to the watch, then exits; the watch keeps calling a protected API
 * across several 5-second access tokens. Meanwhile the tenant's conditional-access policy
 * blocks watches outside the Netherlands (`baton policy set`): the watch's next refresh is
 * refused while it stays signed in, and works again once the rule is lifted. Then the
 * session is revoked with `baton sessions revoke` and the watch says so.
 */
const refreshesBeforePolicy = 2;
const refreshesBeforeRevoke = 5;
/** The contract's own example (ARCHITECTURE.md, "Conditional access"). */
const noWatchAbroad = {
  rules: [
    {
      name: 'no-watch-abroad',
      state: 'enabled',
      at: ['refresh', 'session_transfer'],
      when: "device.kind == 'companion' && request.country != 'NL'",
      then: { block: true },
    },
  ],
};

const tenant = 'wearables';
const user = 'ada@example.com';

const dir = mkdtempSync(join(tmpdir(), 'baton-watch-demo-'));
const [batonPort, watchPort, apiPort] = [await freePort(), await freePort(), await freePort()];
const publicUrl = `http://127.0.0.1:${batonPort}`;
const env = {
  ...process.env,
  BATON_DATABASE_URL: join(dir, 'baton.db'),
  BATON_MASTER_KEY: randomBytes(32).toString('base64'),
  BATON_PUBLIC_URL: publicUrl,
  BATON_PORT: String(batonPort),
  BATON_LOG_LEVEL: 'info',
  BATON_SMTP_URL: '',
  NODE_ENV: 'development',
};
const children: ReturnType<typeof start>[] = [];
let closeApi = async () => {};
const timer = setTimeout(() => finish(1, 'the demo did not finish within 90 s'), 90_000);

say('demo', `setting up tenant "${tenant}" in ${dir} (access tokens live 5 s)`);
await baton(['tenant', 'create', tenant], env);
const phoneApp = await baton<{ client_id: string }>(
  ['app', 'create', '--tenant', tenant, '--name', 'Phone app', '--challenge-types', 'oob', '--allow-session-transfer'],
  env,
);
const watchApp = await baton<{ client_id: string }>(
  ['app', 'create', '--tenant', tenant, '--name', 'Watch app', '--accept-session-transfer', '--access-token-ttl', '5'],
  env,
);
await baton(['user', 'create', '--tenant', tenant, '--email', user, '--name', 'Ada Lovelace'], env);
say(
  'demo',
  `phone app ${phoneApp.client_id} (--allow-session-transfer), watch app ${watchApp.client_id} (--accept-session-transfer), user ${user}`,
);

const base = `${publicUrl}/${tenant}`;
const server = start('serve', '', env, (line) => {
  // Without BATON_SMTP_URL, Baton logs one-time codes instead of mailing them.
  const entry = parse(line);
  if (typeof entry?.code === 'string' && entry.to === user) {
    say('baton', `one-time code for ${user}: ${entry.code} (logged, no SMTP configured); typing it into the phone`);
    phone.stdin?.write(`${entry.code}\n`);
  }
});
children.push(server);
await waitForBaton(`${base}/v2.0/.well-known/openid-configuration`);
say('baton', `serving on ${publicUrl}`);

const apiUrl = `http://127.0.0.1:${apiPort}`;
const api = createProtectedApi({ issuerBase: base, audiences: [watchApp.client_id], publicUrl: apiUrl });
await api.listen({ port: apiPort, host: '127.0.0.1' });
closeApi = () => api.close();
say('demo', `protected API (examples/protected-api) on ${apiUrl}, serving the watch app's tokens`);

let revoked = false;
let policy = 'none' as 'none' | 'set' | 'lifted';
const watch = start(
  'script',
  './watch.ts',
  {
    ...env,
    BATON_BASE: base,
    WATCH_CLIENT_ID: watchApp.client_id,
    WATCH_PORT: String(watchPort),
    WATCH_STORE: join(dir, 'watch-store'),
    API_URL: apiUrl,
  },
  (line) => {
    say('watch', line);
    // What the user would read on the watch and compare on the phone; the demo types it in for them.
    const shown = /^pairing code (\d{6})$/.exec(line)?.[1];
    if (shown) {
      say('demo', `the watch shows ${shown}; typing it into the phone to compare`);
      phone.stdin?.write(`${shown}\n`);
    }
    if (policy === 'none' && line.startsWith(`refresh #${refreshesBeforePolicy}:`)) {
      policy = 'set';
      void setPolicy(
        noWatchAbroad,
        'a rule blocking watches outside the Netherlands (127.0.0.1 is in no country); the watch meets it at its next refresh, its phone gone',
      );
    }
    if (policy === 'set' && line.startsWith('blocked by the tenant')) {
      policy = 'lifted';
      void setPolicy({ rules: [] }, 'the rule lifted; the same session goes on');
    }
    if (!revoked && policy === 'lifted' && line.startsWith(`refresh #${refreshesBeforeRevoke}:`)) {
      revoked = true;
      void revoke();
    }
  },
);
children.push(watch);
const phone = start(
  'script',
  './phone.ts',
  {
    ...env,
    BATON_BASE: base,
    PHONE_CLIENT_ID: phoneApp.client_id,
    WATCH_CLIENT_ID: watchApp.client_id,
    WATCH_URL: `ws://127.0.0.1:${watchPort}`,
    DEMO_USER: user,
  },
  (line) => say('phone', line),
);
children.push(phone);

const phoneCode = await exited(phone);
if (phoneCode !== 0) finish(1, `the phone failed (exit ${phoneCode})`);
say('demo', 'the phone is gone; the watch carries on by itself');
const watchCode = await exited(watch);
const ok = watchCode === 0 && revoked && policy === 'lifted';
finish(
  ok ? 0 : 1,
  ok ? 'done' : `the watch ended with ${watchCode}${policy === 'lifted' ? '' : ', never blocked by the policy'}`,
);

async function setPolicy(document: unknown, why: string) {
  const file = join(dir, 'policy.json');
  writeFileSync(file, JSON.stringify(document));
  say('demo', `$ baton policy set --tenant ${tenant} --file policy.json   # ${why}`);
  const { version } = await baton<{ version: number }>(['policy', 'set', '--tenant', tenant, '--file', file], env);
  say('baton', `policy version ${version} in force`);
}

async function revoke() {
  say('demo', `$ baton sessions revoke --tenant ${tenant} --user ${user}`);
  const result = await baton(['sessions', 'revoke', '--tenant', tenant, '--user', user], env);
  say('baton', `revoked ${JSON.stringify(result)}; the watch finds out at its next refresh`);
}

function finish(code: number, message: string): never {
  clearTimeout(timer);
  say('demo', message);
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  void closeApi();
  rmSync(dir, { recursive: true, force: true });
  process.exit(code);
}

function parse(line: string): Record<string, unknown> | null {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
}

async function waitForBaton(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (server.exitCode !== null) finish(1, 'Baton did not start');
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  finish(1, 'Baton did not answer within 20 s');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
