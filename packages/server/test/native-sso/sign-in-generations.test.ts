import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { tokenTypes } from '@baton/protocol';
import { engines } from '../support/databases.js';
import { postForm } from '../support/http.js';
import { dpopProof, newDpopKey } from '../support/dpop.js';
import { v2Client } from '../native-auth-v2/v2-client.js';
import {
  authorizeUrl,
  exchangeCode,
  hostedPasswordSignIn,
  newPkce,
  redirectParams,
  registerWebApp,
  WebClient,
} from '../web/web-client.js';
import { nativeSsoClient, tokenExchange, useSuiteServer } from './native-sso-client.js';

/**
 * device_sso on the other grants that open a session (native auth V2's code redemption, the
 * browser's authorization code) and a DPoP-bound exchange: each pair signs a sibling in.
 */
describe.each(engines)('Native SSO after other sign-ins on %s', (engine) => {
  const suite = useSuiteServer(engine);

  /** Entry with `scope`, password sign-in, finish, code redemption: the token answer. */
  async function signInV2(scope: string) {
    const { t, mail } = suite();
    const v2 = v2Client(t, mail.clientId);
    const entered = await v2.entry({ scope });
    const started = await v2.call(entered.body.sign_in, {
      continuationToken: entered.body.continuation_token,
      username: t.user.email,
    });
    const password = started.body._embedded.methods.find((m: { type: string }) => m.type === 'password');
    const challenged = await v2.call(password._links.challenge.href, {
      continuationToken: started.body.continuationToken,
    });
    const proved = await v2.call(challenged.body._links.verify.href, {
      continuationToken: challenged.body.continuationToken,
      password: t.userPassword,
    });
    const tokens = await v2.redeem(proved.body);
    expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
    return tokens.body;
  }

  it('returns device_secret and ds_hash with device_sso, and the pair signs a sibling in', async () => {
    const tokens = await signInV2('openid profile offline_access device_sso');
    expect(tokens.device_secret).toEqual(expect.any(String));
    expect(decodeJwt(tokens.id_token)).toMatchObject({ sid: expect.any(String), ds_hash: expect.any(String) });
    const res = await nativeSsoClient(suite().t).exchange(suite().calendar, tokens.id_token, tokens.device_secret);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });

  it('returns neither without device_sso', async () => {
    const tokens = await signInV2('openid profile offline_access');
    expect(tokens).not.toHaveProperty('device_secret');
    expect(decodeJwt(tokens.id_token)).not.toHaveProperty('ds_hash');
  });

  it("returns device_secret with device_sso on the browser's authorization code grant", async () => {
    const { t, calendar } = suite();
    const web = await registerWebApp(t, { name: 'Web mail', ssoGroup: 'acme-suite' });
    const pkce = newPkce();
    const start = authorizeUrl(t, web, pkce, { scope: 'openid offline_access device_sso' });
    const { code } = redirectParams(
      await hostedPasswordSignIn(new WebClient(t.url), start, t.user.email, t.userPassword),
    );
    const tokens = await exchangeCode(t, web, code!, pkce.verifier);
    expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
    expect(tokens.body.device_secret).toEqual(expect.any(String));
    expect(decodeJwt(tokens.body.id_token).ds_hash).toEqual(expect.any(String));
    const res = await nativeSsoClient(t).exchange(calendar, tokens.body.id_token, tokens.body.device_secret);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });

  it("binds the sibling's session to the DPoP key of the exchange's proof", async () => {
    const { t, mail, calendar } = suite();
    const client = nativeSsoClient(t);
    const tokens = await client.signIn(mail);
    const key = await newDpopKey();
    const proof = () => dpopProof(key, { method: 'POST', url: client.tokenUrl, now: t.clock.now() });
    const res = await postForm(
      client.tokenUrl,
      {
        grant_type: tokenExchange,
        client_id: calendar.clientId,
        subject_token: tokens.id_token,
        subject_token_type: tokenTypes.idToken,
        actor_token: tokens.device_secret,
        actor_token_type: tokenTypes.deviceSecret,
        audience: client.issuer,
      },
      { dpop: await proof() },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.token_type).toBe('DPoP');
    expect(decodeJwt(res.body.access_token).cnf).toEqual({ jkt: key.jkt });
    // Its refresh token works only with that key.
    const refresh = {
      grant_type: 'refresh_token',
      client_id: calendar.clientId,
      refresh_token: res.body.refresh_token,
    };
    expect((await postForm(client.tokenUrl, refresh)).status).toBe(400);
    expect((await postForm(client.tokenUrl, refresh, { dpop: await proof() })).status).toBe(200);
  });
});
