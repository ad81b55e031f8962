import { grantTypes } from '@baton/protocol';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../server/src/core/model.js';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.js';
import {
  Companion,
  MemoryStore,
  memoryTransportPair,
  pairingCode,
  type HandOffOptions,
  type HandoffError,
  type PairRequest,
  type TransportMessage,
} from '../src/index.js';
import { expectKind, recordingFetch, sdkClient } from './support.js';

/**
 * The known gap behind finding 9: `handOff()` sent the transfer token to whatever key the
 * pairing request named unless the app opted in to a confirmation. On a transport that
 * does not authenticate the peer, anyone able to speak first got the user's session.
 * Confirmation is now the default: the companion shows a code, the phone's app confirms it
 * (`confirm`) before any transfer token is asked for; skipping it takes
 * `insecureSkipPairingConfirmation: true`.
 */
describe('pairing-code confirmation on handOff()', () => {
  let t: TestServer;
  let phoneApp: App;
  let watchApp: App;
  beforeAll(async () => {
    t = await startTestServer();
    phoneApp = (await t.registerApp({ name: 'Phone app', allowSessionTransfer: true })).app;
    watchApp = (await t.registerApp({ name: 'Watch app', acceptSessionTransfer: true })).app;
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A signed-in phone whose requests are recorded: the test sees whether a transfer token was asked for. */
  async function phone() {
    const recorder = recordingFetch();
    const account = expectKind(
      await sdkClient(t, { app: phoneApp, fetch: recorder.fetch }).signIn({
        username: t.user.email,
        password: t.userPassword,
      }),
      'signed_in',
    ).account;
    const transfersAsked = () => recorder.grants(grantTypes.tokenExchange).length;
    return { account, transfersAsked };
  }
  const watch = () =>
    new Companion({
      baseUrl: t.base,
      clientId: watchApp.clientId,
      store: new MemoryStore(),
      platform: { device: { name: "Ada's watch", platform: 'watchOS 11' } },
    });
  /** The next message of `type` on a transport side. */
  const next = <T>(side: ReturnType<typeof memoryTransportPair>[number], type: string) =>
    new Promise<T>((resolve) => {
      const stop = side.onMessage((m: TransportMessage) => {
        if (m.type !== type) return;
        stop();
        resolve(m as unknown as T);
      });
    });

  it('without confirm, handOff() refuses to start unless the app opts out explicitly', async () => {
    const { account, transfersAsked } = await phone();
    const [phoneSide] = memoryTransportPair();
    const options = { audience: watchApp.clientId } as HandOffOptions;
    await expect(account.handOff(phoneSide, options)).rejects.toMatchObject({
      code: 'handoff_failed',
      message: expect.stringContaining('insecureSkipPairingConfirmation'),
    });
    expect(transfersAsked()).toBe(0);
  });

  it('hands off once the phone confirms the code the companion shows', async () => {
    const { account } = await phone();
    const [phoneSide, watchSide] = memoryTransportPair();
    let shown: string | undefined;
    const asked: string[] = [];
    const [watchAccount, result] = await Promise.all([
      watch().pair(watchSide, {
        onPairingCode: (code) => {
          shown = code;
        },
      }),
      account.handOff(phoneSide, {
        audience: watchApp.clientId,
        confirm: ({ code }) => {
          asked.push(code);
          return code === shown;
        },
      }),
    ]);
    expect(shown).toMatch(/^\d{6}$/);
    expect(asked).toEqual([shown]);
    expect(result.deviceName).toBe("Ada's watch");
    expect(watchAccount.dpopBound).toBe(true);
  });

  it('a stranger who answers first with its own key shows another code: refused, and no transfer token is asked for', async () => {
    const { account, transfersAsked } = await phone();
    const [phoneSide, strangerSide] = memoryTransportPair();
    const { publicKey } = await generateKeyPair('ECDH-ES+A256KW', { crv: 'P-256', extractable: true });
    const { kty, crv, x, y } = await exportJWK(publicKey);
    const strangerKey = { kty, crv, x, y };
    // The code the real watch shows the user, from the real watch's key.
    const genuine = await pairingCode(
      await exportJWK((await generateKeyPair('ECDH-ES+A256KW', { crv: 'P-256', extractable: true })).publicKey),
    );
    const request: PairRequest = {
      type: 'baton.pair',
      version: 1,
      pairing_id: 'stranger-pairing',
      encryption_jwk: strangerKey,
      client_id: watchApp.clientId,
      device_name: "Ada's watch",
      platform: 'watchOS 11',
    };
    const refusal = next<HandoffError>(strangerSide, 'baton.error');
    const outcome = account
      .handOff(phoneSide, { audience: watchApp.clientId, confirm: ({ code }) => code === genuine })
      .catch((e: unknown) => e);
    await strangerSide.send({ ...request });
    expect(await outcome).toMatchObject({
      code: 'handoff_failed',
      message: expect.stringContaining('refused the pairing'),
    });
    expect(await refusal).toMatchObject({ pairing_id: 'stranger-pairing', error: 'handoff_failed' });
    expect(transfersAsked()).toBe(0);
  });

  it('insecureSkipPairingConfirmation: true hands off without asking', async () => {
    const { account } = await phone();
    const [phoneSide, watchSide] = memoryTransportPair();
    const [watchAccount] = await Promise.all([
      watch().pair(watchSide),
      account.handOff(phoneSide, { audience: watchApp.clientId, insecureSkipPairingConfirmation: true }),
    ]);
    expect(watchAccount.dpopBound).toBe(true);
  });
});
