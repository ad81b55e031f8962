import { describe, expect, it } from 'vitest';
import { expectNativeAuthError } from '../support/assertions.js';
import { engines } from '../support/databases.js';
import type { TestServer } from '../support/test-server.js';
import {
  createUser,
  ctOf,
  expectTokens,
  nativeClient,
  passwordSignIn,
  useNativeAuthServer,
  type NativeClient,
} from './native-client.js';

describe.each(engines)('erasing an account on %s', (engine) => {
  let t: TestServer;
  let client: NativeClient;
  useNativeAuthServer(engine, (server) => {
    t = server;
    client = nativeClient(t.base, t.app.clientId);
  });

  it('signs out every device, forgets the address (a new sign-up may take it) and audits it', async () => {
    const user = await createUser(t);
    const [phone, tablet] = [
      await passwordSignIn(client, user.email, t.userPassword),
      await passwordSignIn(client, user.email, t.userPassword),
    ];
    expectTokens(phone);
    expectTokens(tablet);

    const { revokedSessions } = await t.services.accountErasure.erase(t.tenant, user, { actor: 'test' });

    expect(revokedSessions).toHaveLength(2);
    for (const signedIn of [phone, tablet])
      expectNativeAuthError(await client.refresh(signedIn.body.refresh_token as string), 400, 'invalid_grant');
    expectNativeAuthError(await client.initiate(user.email), 400, 'user_not_found');
    expect(ctOf(await client.signUpStart(user.email))).toEqual(expect.any(String));
    const [event] = await t.services.repos.audit.list({ tenantId: t.tenant.id, userId: user.id, type: 'user.deleted' });
    expect(event).toMatchObject({
      type: 'user.deleted',
      userId: user.id,
      data: { sessions: expect.arrayContaining(revokedSessions) },
    });
    expect(JSON.stringify(await t.services.repos.users.findById(t.tenant.id, user.id))).not.toContain(user.email);
  });

  it('cannot be signed in to by its tombstone, which is not an address', async () => {
    const user = await createUser(t);
    await t.services.accountErasure.erase(t.tenant, user, { actor: 'test' });
    expectNativeAuthError(await client.initiate(`deleted:${user.id}`), 400, 'invalid_request', { errorCode: 90100 });
  });
});
