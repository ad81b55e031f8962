import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { engines } from '../support/databases.js';
import { v2Client } from '../native-auth-v2/v2-client.js';
import { nativeSsoClient, useSuiteServer } from './native-sso-client.js';

/** device_sso on native auth V2: the code's redemption returns the device secret, and a sibling can exchange it. */
describe.each(engines)('Native SSO after a native auth V2 sign-in on %s', (engine) => {
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
});
