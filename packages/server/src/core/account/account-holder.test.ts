import { describe, expect, it } from 'vitest';
import { expectRejection } from '../testing/domain-expectations.js';
import type { AccessTokenClaims } from '../tokens/access-token-verifier.js';
import { accountHolderOf } from './account-holder.js';

const claims = (fields: Partial<AccessTokenClaims>): AccessTokenClaims => ({
  sub: 'u1',
  tid: 't1',
  client_id: 'app',
  scope: 'openid offline_access baton.account',
  oid: 'u1',
  sid: 's1',
  ...fields,
});

describe('accountHolderOf', () => {
  it("speaks for the token's user and session", () => {
    expect(accountHolderOf(claims({}))).toEqual({ userId: 'u1', sessionId: 's1' });
  });

  it('refuses a user token without baton.account as insufficient_scope', async () => {
    await expectRejection(
      Promise.resolve().then(() => accountHolderOf(claims({ scope: 'openid baton.accounts' }))),
      'insufficient_scope',
    );
  });

  it("refuses a machine client's token, which has no user or session, as invalid", async () => {
    const { oid: _oid, sid: _sid, ...machine } = claims({});
    await expectRejection(
      Promise.resolve().then(() => accountHolderOf(machine as AccessTokenClaims)),
      'invalid_access_token',
    );
  });
});
