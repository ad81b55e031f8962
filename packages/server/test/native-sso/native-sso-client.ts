import { tokenTypes } from '@baton/protocol';
import { afterAll, beforeAll, expect } from 'vitest';
import type { App } from '../../src/core/model.js';
import { postForm, signInWithPassword, type HttpResult } from '../support/http.js';
import type { EngineName } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

export const tokenExchange = 'urn:ietf:params:oauth:grant-type:token-exchange';

/** What a sign-in with `device_sso` answers, as the suites read it. */
export interface SignedIn {
  id_token: string;
  refresh_token: string;
  access_token: string;
  device_secret?: string;
}

/** The two sides of Native SSO against a test server, over HTTP: an app signs in, a sibling exchanges. */
export function nativeSsoClient(t: TestServer) {
  const tokenUrl = `${t.base}/oauth2/v2.0/token`;
  const issuer = `${t.base}/v2.0`;
  return {
    tokenUrl,
    issuer,

    /** Signs the test user in to `app` with the password, asking for `scope` (device_sso by default). */
    async signIn(app: App, scope = 'openid profile offline_access device_sso'): Promise<SignedIn> {
      const res = await signInWithPassword(t.base, app.clientId, t.user.email, t.userPassword, scope);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body;
    },

    /** The Native SSO exchange as the contract spells it; `extra` overrides or removes (undefined) a parameter. */
    exchange(
      app: App,
      idToken: string,
      deviceSecret: string,
      extra: Record<string, string | undefined> = {},
    ): Promise<HttpResult> {
      return postForm(tokenUrl, {
        grant_type: tokenExchange,
        client_id: app.clientId,
        subject_token: idToken,
        subject_token_type: tokenTypes.idToken,
        actor_token: deviceSecret,
        actor_token_type: tokenTypes.deviceSecret,
        audience: issuer,
        ...extra,
      });
    },
  };
}

/** The apps of a suite: two of the group `acme-suite`, and one of another group. */
export interface Suite {
  t: TestServer;
  mail: App;
  calendar: App;
  game: App;
}

/** A test server for the suite, with Mail and Calendar in one SSO group and Game in another, for a `describe`. */
export function useSuiteServer(engine: EngineName): () => Suite {
  let suite: Suite | undefined;
  beforeAll(async () => {
    const t = await startTestServer({ engine, manualClock: true });
    suite = {
      t,
      mail: (await t.registerApp({ name: 'Mail', ssoGroup: 'acme-suite' })).app,
      calendar: (await t.registerApp({ name: 'Calendar', ssoGroup: 'acme-suite' })).app,
      game: (await t.registerApp({ name: 'Game', ssoGroup: 'other-suite' })).app,
    };
  });
  afterAll(async () => {
    await suite?.t.close();
  });
  return () => suite!;
}
