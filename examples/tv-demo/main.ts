import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
} from '../watch-demo/processes.js';

/**
 * `npm run demo:tv`: Baton, a TV and a phone as processes on this machine. The TV shows a
 * code and a QR code (the device authorization grant); the phone signs in with an email
 * code and approves it natively; the TV calls a protected API across several 3-second
 * access tokens; then the phone's session is revoked with `baton sessions revoke`, and the
 * TV, whose session is its child, is signed out too.
 */
const refreshesBeforeRevoke = 2;
const tenant = 'living-room';
const user = 'ada@example.com';

const dir = mkdtempSync(join(tmpdir(), 'baton-tv-demo-'));
// A TV is told to poll every 2 s (BATON_DEVICE_CODE_INTERVAL) so the demo does not keep you waiting.
const env: NodeJS.ProcessEnv = { ...demoEnvironment(dir, await freePort()), BATON_DEVICE_CODE_INTERVAL: '2' };
const { children, onFinish, finish } = demoRun(dir);
let phoneSession: string | null = null;
let phone: ReturnType<typeof start> | null = null;

say('demo', `setting up tenant "${tenant}" in ${dir} (the TV's access tokens live 3 s, it polls every 2 s)`);
const { phoneApp, deviceApp: tvApp } = await demoTenant(env, tenant, user, {
  name: 'TV app',
  flags: ['--device-code', '--access-token-ttl', '3'],
});

const base = `${env.BATON_PUBLIC_URL}/${tenant}`;
const { server, ready } = await serveBaton(env, base, user, (code) => phone?.stdin?.write(`${code}\n`));
children.push(server);
if (!ready) finish(1, 'Baton did not start within 20 s');
const api = await startDemoApi(base, tvApp.client_id, 'TV app');
const apiUrl = api.url;
onFinish(api.close);

let revoked = false;
const tv = start(
  'script',
  '../tv-demo/tv.ts',
  { ...env, BATON_BASE: base, TV_CLIENT_ID: tvApp.client_id, TV_STORE: join(dir, 'tv-store'), API_URL: apiUrl },
  (line) => {
    say('tv', line);
    // What the user would read on the TV and type into the phone (or scan); the demo passes it on for them.
    const shown = /^user code ([A-Z]{4}-[A-Z]{4})$/.exec(line)?.[1];
    if (shown && !phone) startPhone(shown);
    if (!revoked && line.startsWith(`refresh #${refreshesBeforeRevoke}:`)) {
      revoked = true;
      void revoke();
    }
  },
);
children.push(tv);

const tvCode = await exited(tv);
finish(tvCode === 0 && revoked ? 0 : 1, tvCode === 0 && revoked ? 'done' : `the TV ended with ${tvCode}`);

function startPhone(userCode: string) {
  say('demo', `the TV shows ${userCode}; the phone approves it`);
  phone = start(
    'script',
    '../tv-demo/phone.ts',
    { ...env, BATON_BASE: base, PHONE_CLIENT_ID: phoneApp.client_id, DEMO_USER: user, TV_USER_CODE: userCode },
    (line) => {
      say('phone', line);
      phoneSession = /^signed in \(session ([\w-]+)\)$/.exec(line)?.[1] ?? phoneSession;
    },
  );
  children.push(phone);
}

async function revoke() {
  say('demo', `$ baton sessions revoke --tenant ${tenant} --session ${phoneSession} (the phone's session)`);
  const result = await baton(['sessions', 'revoke', '--tenant', tenant, '--session', String(phoneSession)], env);
  say('baton', `revoked ${JSON.stringify(result)}; the TV finds out at its next refresh`);
}
