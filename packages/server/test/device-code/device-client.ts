import { decodeJwt } from 'jose';
import { expect } from 'vitest';
import type { App } from '../../src/core/model.js';
import type { EngineName } from '../support/databases.js';
import { postForm, signInWithPassword, type HttpResult } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

export const deviceCodeGrant = 'urn:ietf:params:oauth:grant-type:device_code';

/** The TV app (`--device-code`) and the phone app that approves (`--allow-session-transfer`). */
export interface DeviceApps {
  tv: App;
  phone: App;
}

/** Both sides of the device flow against a test server, over HTTP. */
export function deviceClient(t: TestServer, apps: DeviceApps) {
  const client = {
    /** The device asks for its codes (RFC 8628 §3.1). */
    start(options: { app?: App; scope?: string; instanceUrl?: string } = {}): Promise<HttpResult> {
      return postForm(
        `${options.instanceUrl ? `${options.instanceUrl}/${t.tenant.name}` : t.base}/oauth2/v2.0/devicecode`,
        {
          client_id: (options.app ?? apps.tv).clientId,
          scope: options.scope ?? 'openid profile offline_access',
          device_name: 'Living-room TV',
          device_platform: 'tvOS',
        },
      );
    },

    /** The device's codes, answered. */
    async codes(app?: App): Promise<{ deviceCode: string; userCode: string; interval: number }> {
      const res = await client.start(app ? { app } : {});
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return { deviceCode: res.body.device_code, userCode: res.body.user_code, interval: res.body.interval };
    },

    /** One poll of the token endpoint. */
    poll(deviceCode: string, options: { app?: App; instanceUrl?: string; headers?: Record<string, string> } = {}) {
      const url = `${t.base}/oauth2/v2.0/token`;
      return postForm(
        options.instanceUrl ? url.replace(t.url, options.instanceUrl) : url,
        { grant_type: deviceCodeGrant, device_code: deviceCode, client_id: (options.app ?? apps.tv).clientId },
        options.headers,
      );
    },

    /** The phone signs in over native auth: its access token approves, its session is the parent. */
    async signIn(app = apps.phone, user = { email: t.user.email, password: t.userPassword }) {
      const res = await signInWithPassword(t.base, app.clientId, user.email, user.password);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return {
        accessToken: res.body.access_token as string,
        refreshToken: res.body.refresh_token as string,
        sessionId: decodeJwt(res.body.id_token).sid as string,
      };
    },

    /** Native approval (or denial) with an access token. */
    decide(
      accessToken: string,
      userCode: string,
      decision = 'approve',
      options: { instanceUrl?: string; scheme?: string; headers?: Record<string, string> } = {},
    ): Promise<HttpResult> {
      const url = `${t.base}/oauth2/v2.0/devicecode/approve`;
      return postForm(
        options.instanceUrl ? url.replace(t.url, options.instanceUrl) : url,
        { user_code: userCode, decision },
        { authorization: `${options.scheme ?? 'Bearer'} ${accessToken}`, ...options.headers },
      );
    },
  };
  return client;
}

export type DeviceClient = ReturnType<typeof deviceClient>;

/** A test server on `engine` with a manual clock, a TV app, a phone app, and a client for both. */
export async function startDeviceServer(
  engine: EngineName,
  options: { manualClock?: boolean; pollInterval?: number } = {},
): Promise<{ t: TestServer; apps: DeviceApps; client: DeviceClient }> {
  const t = await startTestServer({
    engine,
    manualClock: options.manualClock ?? true,
    config: options.pollInterval === undefined ? {} : { deviceCodeInterval: options.pollInterval },
  });
  const { app: tv } = await t.registerApp({ name: 'Living-room TV app', deviceCode: true });
  const { app: phone } = await t.registerApp({ name: 'Phone app', allowSessionTransfer: true });
  const apps = { tv, phone };
  return { t, apps, client: deviceClient(t, apps) };
}
