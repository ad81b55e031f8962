import { connectWebSocketTransport, type Transport } from '@baton/sdk/node';
import { log, nextTypedLine, requiredEnv, signInOnThePhone } from './child.js';
import { deviceTree } from './device-tree.js';

/**
 * The phone: signs in with an email code, hands the session off to the watch over a
 * WebSocket, shows the user's devices as the account API sees them, and exits. Once it is
 * gone, the watch is on its own.
 */
const account = await signInOnThePhone();

const transport = await connect(requiredEnv('WATCH_URL'));
log('connected to the watch; waiting for its pairing request');
// A person would compare the two screens; the demo is not interactive, so the code the
// watch shows reaches the phone another way (the demo reads the watch's output) and the
// phone compares them: a key other than the watch's would give another code, and no handoff.
const watchCode = await nextTypedLine();
const result = await account.handOff(transport, {
  audience: requiredEnv('WATCH_CLIENT_ID'),
  confirm: ({ deviceName, code: pairingCode }) => {
    const matches = pairingCode === watchCode;
    log(
      `pairing request from "${deviceName}", pairing code ${pairingCode}, the watch shows ${watchCode}: ${matches ? 'they match, confirmed' : 'they differ, refused'}`,
    );
    return matches;
  },
});
log(
  `handed off to "${result.deviceName}": only a 60-second single-use transfer token, encrypted to the watch's key, crossed the wire`,
);
await transport.close();
log("your devices (account.devices(), the phone's last look before it switches off):");
for (const line of deviceTree(await account.devices())) log(`  ${line}`);
log('phone switched off (process exits)');
process.exit(0);

async function connect(url: string): Promise<Transport> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await connectWebSocketTransport(url);
    } catch (error) {
      if (attempt > 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
