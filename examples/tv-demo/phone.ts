import { MemoryStore, NativeAuthClient } from '@baton/sdk/node';
import { log, requiredEnv, signInWithEmailCode } from '../watch-demo/child.js';

/**
 * The phone: signs in with an email code, approves the code the TV shows natively (no
 * browser: one call with its own access token), and exits.
 */
const client = new NativeAuthClient({
  baseUrl: requiredEnv('BATON_BASE'),
  clientId: requiredEnv('PHONE_CLIENT_ID'),
  challengeTypes: ['oob'],
  store: new MemoryStore(),
  platform: { device: { name: "Ada's phone (demo)", platform: 'demo phone' } },
});
const account = await signInWithEmailCode(client, requiredEnv('DEMO_USER'));

const userCode = requiredEnv('TV_USER_CODE');
const decision = await account.approveDevice(userCode);
log(`approved ${decision.app} on "${decision.device.name}" (code ${userCode}): its session is a child of this one`);
process.exit(0);
