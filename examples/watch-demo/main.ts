import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deviceTree, type TreeSession } from './device-tree.js';
import {
  baton,
  demoEnvironment,
  demoRun,
  demoTenant,
  exited,
  freePort,
  say,
  serveBaton,
  start,
  startDemoApi,
} from './processes.js';

/**
 * `npm run demo:watch`: Baton, a phone and a watch as three processes on this machine.
 * The phone signs in with an email code and, once the pairing code the watch shows matches
 * its own, hands off to the watch, shows the user's device graph (phone -> watch) through
 * the SDK's account.devices(), then exits; the watch keeps calling a protected API
 * across several 3-second access tokens. Meanwhile the tenant's conditional-access policy
 * blocks watches outside the Netherlands (`baton policy set`): the watch's next refresh is
 * refused while it stays signed in, and works again once the rule is lifted. Then the
 * session is revoked with `baton sessions revoke`, the watch says so, and the demo ends
 * with the device graph as `baton sessions list` shows it: both sessions revoked.
 */
/** Short enough that the watch refreshes every few seconds while you watch; the SDK refreshes with a quarter of the life left. */
const accessTokenSeconds = 3;
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
const [batonPort, watchPort] = [await freePort(), await freePort()];
const env = demoEnvironment(dir, batonPort);
const { children, onFinish, finish } = demoRun(dir);

say('demo', `setting up tenant "${tenant}" in ${dir} (access tokens live ${accessTokenSeconds} s)`);
const { phoneApp, deviceApp: watchApp } = await demoTenant(env, tenant, user, {
  name: 'Watch app',
  flags: ['--accept-session-transfer', '--access-token-ttl', String(accessTokenSeconds)],
});

const base = `${env.BATON_PUBLIC_URL}/${tenant}`;
const { server, ready } = await serveBaton(env, base, user, (code) => phone.stdin?.write(`${code}\n`));
children.push(server);
if (!ready) finish(1, 'Baton did not start within 20 s');
const api = await startDemoApi(base, watchApp.client_id, 'watch app');
const apiUrl = api.url;
onFinish(api.close);

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
if (revoked)
  await showTheGraphAtTheEnd().catch((error: Error) => say('demo', `could not list the sessions: ${error.message}`));
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

/** The user's device graph once everything has ended, as the operator's CLI lists it: the phone and the watch below it, both revoked. */
async function showTheGraphAtTheEnd() {
  say('demo', `$ baton sessions list --tenant ${tenant} --user ${user}   # the device graph at the end`);
  const listed = await baton<
    Array<{
      id: string;
      parent_id: string | null;
      client_id: string;
      status: TreeSession['status'];
      device: TreeSession['device'];
    }>
  >(['sessions', 'list', '--tenant', tenant, '--user', user], env);
  const appNames = new Map([
    [phoneApp.client_id, 'Phone app'],
    [watchApp.client_id, 'Watch app'],
  ]);
  const sessions = listed.map((s) => ({
    id: s.id,
    parentId: s.parent_id,
    status: s.status,
    current: false,
    device: s.device,
    app: { clientId: s.client_id, name: appNames.get(s.client_id) ?? null },
  }));
  for (const line of deviceTree(sessions)) say('baton', `  ${line}`);
}

async function revoke() {
  say('demo', `$ baton sessions revoke --tenant ${tenant} --user ${user}`);
  const result = await baton(['sessions', 'revoke', '--tenant', tenant, '--user', user], env);
  say('baton', `revoked ${JSON.stringify(result)}; the watch finds out at its next refresh`);
}
