import { createInterface } from 'node:readline';
import { type Account, BatonSdkError, MemoryStore, NativeAuthClient, type Platform } from '@baton/sdk/node';

/**
 * What the demos' device processes (phone, watch, TV) share: their settings from the
 * environment, a line of output, the phone's email-code sign-in, the narration of
 * refreshes, and calling the protected API until the session ends.
 */
export const requiredEnv = (name: string): string =>
  process.env[name] ??
  (() => {
    throw new Error(`${name} is not set`);
  })();

export const log = (line: string) => process.stdout.write(`${line}\n`);

let typed: AsyncIterator<string> | null = null;

/** The next line typed on stdin (the demo types them: the emailed code, the code a watch shows). */
export async function nextTypedLine(): Promise<string> {
  typed ??= createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  return String((await typed.next()).value ?? '').trim();
}

/**
 * The phone signs the demo's user in with the code Baton emails (the demo reads it from
 * Baton's log and types it in). Its tokens live only in memory: once the process is gone, so are they.
 */
export async function signInOnThePhone(): Promise<Account> {
  const client = new NativeAuthClient({
    baseUrl: requiredEnv('BATON_BASE'),
    clientId: requiredEnv('PHONE_CLIENT_ID'),
    challengeTypes: ['oob'],
    // baton.account lets the phone list and revoke the user's devices (account.devices()).
    scopes: ['openid', 'profile', 'offline_access', 'baton.account'],
    store: new MemoryStore(),
    platform: { device: { name: "Ada's phone (demo)", platform: 'demo phone' } },
  });
  const username = requiredEnv('DEMO_USER');
  log(`signing in as ${username} with an email code`);
  const started = await client.signIn({ username });
  if (started.kind !== 'sign_in_code_required')
    throw new Error(`unexpected sign-in step: ${started.kind === 'error' ? started.message : started.kind}`);
  log(`Baton sent a code (${started.codeLength} digits) to ${started.sentTo}; type it in:`);
  const code = await nextTypedLine();
  log(`code entered: ${code}`);
  const signedIn = await started.submitCode(code);
  if (signedIn.kind !== 'signed_in')
    throw new Error(
      `sign-in failed: ${signedIn.kind === 'error' ? `${signedIn.code}: ${signedIn.message}` : signedIn.kind}`,
    );
  log(`signed in (session ${signedIn.account.claims.sessionId})`);
  return signedIn.account;
}

/** A fetch that says each refresh the SDK makes (`refresh #n: ...`); only to narrate, the SDK does them by itself. */
export function narratingRefreshes(detail: (init: RequestInit) => string = () => ''): Platform['fetch'] {
  let refreshes = 0;
  return async (url, init) => {
    const response = await fetch(url, init);
    if (new URLSearchParams(String(init.body ?? '')).get('grant_type') === 'refresh_token')
      log(
        response.ok
          ? `refresh #${++refreshes}: new access token and rotated refresh token${detail(init)}`
          : `refresh refused by Baton: ${response.status}`,
      );
    return response;
  };
}

/** Calls the protected API every 1.5 s until the session ends (exit 0, saying `signedOut`) or `maxMs` pass (exit 1). */
export async function callApiUntilSignedOut(account: Account, apiUrl: string, maxMs: number, signedOut: string) {
  const deadline = Date.now() + maxMs;
  while (Date.now() < deadline) {
    try {
      const response = await account.fetch(`${apiUrl}/api/me`);
      const body = (await response.json()) as { sub?: string; dpop?: boolean; error?: string };
      log(
        `GET /api/me -> ${response.status} ${response.ok ? `(user ${body.sub?.slice(0, 8)}…, dpop: ${body.dpop})` : body.error}`,
      );
    } catch (error) {
      if (error instanceof BatonSdkError && error.code === 'session_ended') {
        log(signedOut);
        process.exit(0);
      }
      if (error instanceof BatonSdkError && error.code === 'blocked_by_policy')
        log("blocked by the tenant's conditional-access policy (53003); still signed in, trying again");
      else log(`could not call the API: ${(error as Error).message}; trying again`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1500));
  }
  log('demo time is up without a revocation');
  process.exit(1);
}
