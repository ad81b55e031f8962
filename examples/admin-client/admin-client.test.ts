import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postForm, signInWithPassword } from '../../packages/server/test/support/http.js';
import { startTestServer, type TestServer } from '../../packages/server/test/support/test-server.js';
import { adminApiTypes } from './admin-api-types.js';
import { adminClient, createUser, devicesOf, revokeDevice } from './admin-client.js';

const operatorToken = 'example-operator-token-0123456789abcdef';

describe('the example admin client', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ config: { adminToken: operatorToken } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates a user, finds the device they signed in on, and signs that device out', async () => {
    const client = adminClient(t.url, operatorToken);
    const password = 'a long and unusual passphrase';
    const userId = await createUser(client, t.tenant.name, { email: 'grace@example.com', password });
    const signIn = await signInWithPassword(t.base, t.app.clientId, 'grace@example.com', password);
    expect(signIn.status).toBe(200);

    const [session, ...others] = await devicesOf(client, t.tenant.name, userId);
    expect(others).toEqual([]);
    expect(session).toMatchObject({ parent_id: null, status: 'active', app: { client_id: t.app.clientId } });
    expect(await revokeDevice(client, t.tenant.name, session!.id)).toEqual([session!.id]);

    const refresh = await postForm(`${t.base}/oauth2/v2.0/token`, {
      client_id: t.app.clientId,
      grant_type: 'refresh_token',
      refresh_token: signIn.body.refresh_token,
    });
    expect(refresh.status).toBe(400);
    expect(refresh.body.error).toBe('invalid_grant');
  });

  it('says what Baton refused, from its problem details', async () => {
    const client = adminClient(t.url, 'not-the-operator-token');
    await expect(createUser(client, t.tenant.name, { email: 'x@example.com' })).rejects.toThrow(
      /creating x@example.com: 401 invalid_access_token /,
    );
  });

  it('has types generated from the document the server serves now (npm run example:admin:types)', async () => {
    const committed = readFileSync(join(import.meta.dirname, 'admin-api.d.ts'), 'utf8');
    expect(await adminApiTypes(t.url), 'admin-api.d.ts is stale: regenerate it').toBe(committed);
  });
});
