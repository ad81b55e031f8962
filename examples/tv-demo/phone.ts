import { log, requiredEnv, signInOnThePhone } from '../watch-demo/child.js';

/**
 * The phone: signs in with an email code, approves the code the TV shows natively (no
 * browser: one call with its own access token), and exits.
 */
const account = await signInOnThePhone();

const userCode = requiredEnv('TV_USER_CODE');
const decision = await account.approveDevice(userCode);
log(`approved ${decision.app} on "${decision.device.name}" (code ${userCode}): its session is a child of this one`);
process.exit(0);
