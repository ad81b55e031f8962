import { tokenTypes } from '@baton/protocol';
import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { engines } from '../support/databases.js';
import { nativeSsoClient, tokenExchange, useSuiteServer } from './native-sso-client.js';

/** openid-client, a certified relying party, performs the Native SSO exchange through its generic grant request. */
describe.each(engines)('openid-client runs the Native SSO exchange on %s', (engine) => {
  const suite = useSuiteServer(engine);
  const t = () => suite().t;

  /** Discovery against the issuer; plain http is allowed because the test server has no TLS. */
  const discover = (clientId: string) =>
    client.discovery(new URL(`${t().base}/v2.0`), clientId, undefined, client.None(), {
      execute: [client.allowInsecureRequests],
    });

  const nativeSso = (config: client.Configuration, idToken: string, deviceSecret: string) =>
    client.genericGrantRequest(config, tokenExchange, {
      subject_token: idToken,
      subject_token_type: tokenTypes.idToken,
      actor_token: deviceSecret,
      actor_token_type: tokenTypes.deviceSecret,
      audience: config.serverMetadata().issuer,
    });

  it("signs the sibling app in with the device's ID token and secret, the ID token validated against the JWKS", async () => {
    const signedIn = await nativeSsoClient(t()).signIn(suite().mail);
    const config = await discover(suite().calendar.clientId);
    client.enableNonRepudiationChecks(config);
    expect(config.serverMetadata().scopes_supported).toContain('device_sso');
    const tokens = await nativeSso(config, signedIn.id_token, signedIn.device_secret!);
    expect(tokens.claims()).toMatchObject({
      iss: config.serverMetadata().issuer,
      aud: suite().calendar.clientId,
      sub: t().user.id,
      sid: expect.any(String),
      ds_hash: expect.any(String),
    });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(tokens.issued_token_type).toBe(tokenTypes.accessToken);
    expect(tokens.device_secret).toBe(signedIn.device_secret);
  });

  it('surfaces invalid_grant for a device secret that does not match', async () => {
    const first = await nativeSsoClient(t()).signIn(suite().mail);
    const second = await nativeSsoClient(t()).signIn(suite().mail);
    const config = await discover(suite().calendar.clientId);
    await expect(nativeSso(config, first.id_token, second.device_secret!)).rejects.toMatchObject({
      error: 'invalid_grant',
      status: 400,
    });
  });
});
