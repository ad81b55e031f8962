import { describe, expect, it } from 'vitest';
import type { TestServer } from '../support/test-server.js';
import { useV2Server, v2Client } from './v2-client.js';

/**
 * An app that signs in only on the hosted pages (`--challenge-types redirect`): every V2
 * journey's start answers the flat `web_redirect_required` MSAL's `isBrowserRequired()`
 * reads, not an error it cannot act on, and nothing is started.
 */
describe('native auth V2: the web fallback', () => {
  let t: TestServer;
  useV2Server(async (server) => {
    t = server;
  });

  it('sends sign-in, sign-up and reset of a hosted-pages-only app to the browser', async () => {
    const { app } = await t.registerApp({ name: 'Web only', challengeTypes: ['redirect'] });
    const v2 = v2Client(t, app.clientId);
    for (const [journey, body] of [
      ['sign_in', { username: t.user.email }],
      ['sign_up', { username: 'new.person@example.com' }],
      ['reset_password', { username: t.user.email }],
    ] as const) {
      const entered = await v2.entry();
      const answer = await v2.call(entered.body[journey], {
        continuationToken: entered.body.continuation_token,
        ...body,
      });
      expect(answer.status, `${journey}: ${JSON.stringify(answer.body)}`).toBe(400);
      expect(answer.body).toMatchObject({ error: 'invalid_grant', suberror: 'web_redirect_required' });
    }
    expect(await t.services.repos.users.findByEmail(t.tenant.id, 'new.person@example.com')).toBeNull();
  });
});
