import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { dpopProof, newDpopKey } from '../support/dpop.js';
import type { TestServer } from '../support/test-server.js';
import { expectV2Error, useV2Server, v2Client, type V2Client } from './v2-client.js';

describe('native auth V2: the code is bound to the PKCE challenge and DPoP key of the entry', () => {
  let t: TestServer;
  let v2: V2Client;
  useV2Server(async (server) => {
    t = server;
    v2 = v2Client(t);
  });

  /** Entry (with `extra` and `headers`), password sign-in, finish: the code. */
  const codeFor = async (extra: Record<string, string>, headers: Record<string, string> = {}) => {
    const entered = await v2.entry(extra, headers);
    expect(entered.status, JSON.stringify(entered.body)).toBe(200);
    const started = await v2.call(entered.body.sign_in, {
      continuationToken: entered.body.continuation_token,
      username: t.user.email,
    });
    const challenged = await v2.call(started.body._embedded.methods[0]._links.challenge.href, {
      continuationToken: started.body.continuationToken,
    });
    const proved = await v2.call(challenged.body._links.verify.href, {
      continuationToken: challenged.body.continuationToken,
      password: t.userPassword,
    });
    const finished = await v2.finish(proved.body.continuationToken);
    expect(finished.status, JSON.stringify(finished.body)).toBe(200);
    return finished.body.code as string;
  };

  it('requires the PKCE verifier when the entry sent a challenge; a wrong one does not use the code up', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const code = await codeFor({ code_challenge: challenge, code_challenge_method: 'S256' });
    for (const refused of [await v2.token(code), await v2.token(code, { code_verifier: 'x'.repeat(43) })]) {
      expect(refused.status).toBe(400);
      expect(refused.body.error).toBe('invalid_grant');
    }
    expect((await v2.token(code, { code_verifier: verifier })).status).toBe(200);
  });

  it('refuses a verifier when the entry sent no challenge', async () => {
    const code = await codeFor({});
    const res = await v2.token(code, { code_verifier: randomBytes(32).toString('base64url') });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
  });

  it('refuses a malformed challenge or another method at the entry', async () => {
    expectV2Error(await v2.entry({ code_challenge: 'short' }), 400, 'invalidRequest');
    expectV2Error(
      await v2.entry({ code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' }),
      400,
      'invalidRequest',
    );
  });

  it('binds the code to the DPoP key of the entry: only a proof of that key redeems it, and the tokens are DPoP', async () => {
    const key = await newDpopKey();
    const other = await newDpopKey();
    const proofFor = (k: typeof key, path: string) =>
      dpopProof(k, { method: 'POST', url: `${t.base}${path}`, now: Date.now() });
    const code = await codeFor({}, { dpop: await proofFor(key, '/oauth2/v2.0/authorize-challenge') });
    for (const refused of [
      await v2.token(code),
      await v2.token(code, {}, { dpop: await proofFor(other, '/oauth2/v2.0/token') }),
    ]) {
      expect(refused.status).toBe(400);
      expect(refused.body.error).toBe('invalid_grant');
    }
    const res = await v2.token(code, {}, { dpop: await proofFor(key, '/oauth2/v2.0/token') });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.token_type).toBe('DPoP');
    expect((decodeJwt(res.body.access_token).cnf as { jkt: string }).jkt).toBe(key.jkt);
  });

  it('binds the tokens to the key of a proof sent only at the token request', async () => {
    const key = await newDpopKey();
    const code = await codeFor({});
    const proof = await dpopProof(key, { method: 'POST', url: `${t.base}/oauth2/v2.0/token`, now: Date.now() });
    const res = await v2.token(code, {}, { dpop: proof });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.token_type).toBe('DPoP');
  });
});
