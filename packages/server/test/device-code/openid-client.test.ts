import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/databases.js';
import type { TestServer } from '../support/test-server.js';
import { type DeviceApps, type DeviceClient, startDeviceServer } from './device-client.js';

/**
 * openid-client, a certified relying party, drives the device flow end to end: discovery
 * names the device authorization endpoint, it initiates, the phone approves natively, and
 * its poll (waiting the interval) gets tokens whose ID token it validates against the JWKS.
 */
describe.each(engines)('openid-client drives the device authorization grant on %s', (engine) => {
  let t: TestServer;
  let apps: DeviceApps;
  let device: DeviceClient;
  beforeAll(async () => {
    // openid-client waits the interval with real timers: the server's clock is the real one too,
    // and the interval the shortest BATON_DEVICE_CODE_INTERVAL allows.
    ({ t, apps, client: device } = await startDeviceServer(engine, { manualClock: false, pollInterval: 1 }));
  });
  afterAll(async () => {
    await t?.close();
  });

  const discover = () =>
    client.discovery(new URL(`${t.base}/v2.0`), apps.tv.clientId, undefined, client.None(), {
      execute: [client.allowInsecureRequests],
    });

  it('initiates, polls until the phone approves, and validates the ID token', { timeout: 30_000 }, async () => {
    const config = await discover();
    client.enableNonRepudiationChecks(config);
    const started = await client.initiateDeviceAuthorization(config, { scope: 'openid profile offline_access' });
    expect(started.verification_uri).toBe(`${t.base}/device`);
    expect(started.interval).toBe(1);
    const polling = client.pollDeviceAuthorizationGrant(config, started);
    const phone = await device.signIn();
    expect((await device.decide(phone.accessToken, started.user_code)).status).toBe(200);
    const tokens = await polling;
    expect(tokens.claims()).toMatchObject({ sub: t.user.id, aud: apps.tv.clientId, iss: `${t.base}/v2.0` });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.claims()?.sid).toBe(tokens.claims()?.sid);
  });

  it('surfaces access_denied when the phone denies', { timeout: 30_000 }, async () => {
    const config = await discover();
    const started = await client.initiateDeviceAuthorization(config, { scope: 'openid' });
    const polling = client.pollDeviceAuthorizationGrant(config, started);
    const phone = await device.signIn();
    expect((await device.decide(phone.accessToken, started.user_code, 'deny')).status).toBe(200);
    await expect(polling).rejects.toMatchObject({ error: 'access_denied' });
  });
});
