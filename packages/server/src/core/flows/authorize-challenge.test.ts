import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { App, Tenant, User } from '../model.js';
import { continuationOf, expectRejection } from '../testing/domain-expectations.js';
import { type DomainHarness, inMemoryServices, testClient, testContext } from '../testing/in-memory-services.js';

const password = 'violet-lantern-1815';
const device = { name: 'Browser', platform: 'web' };
const verifier = 'v'.repeat(43);
const challenge = createHash('sha256').update(verifier).digest('base64url');

describe('AuthorizeChallenge (native auth V2 over the shared flows)', () => {
  let harness: DomainHarness;
  let tenant: Tenant;
  let app: App;
  let user: User;

  beforeEach(async () => {
    harness = inMemoryServices();
    ({ tenant, app } = await harness.tenantWithApp());
    user = await harness.user(tenant, 'ada@example.com', password);
  });

  const frame = () => harness.services.authorizeChallenge;

  /** Entry, start, the password challenge and the password: the continuation to the finish. */
  async function proved(entry: { codeChallenge?: string; dpopJkt?: string | null } = {}): Promise<string> {
    const entryToken = await frame().enter(tenant, app, {
      scope: 'openid offline_access',
      codeChallenge: entry.codeChallenge,
      codeChallengeMethod: entry.codeChallenge ? 'S256' : undefined,
      dpopJkt: entry.dpopJkt ?? null,
      client: testClient,
    });
    const signIn = harness.services.nativeSignIn;
    const started = await frame().begin(tenant, app, entryToken, (codeRequest) =>
      signIn.initiate(tenant, app, {
        username: user.email,
        challengeType: 'password oob',
        capabilities: 'mfa_required registration_required',
        client: testClient,
        codeRequest,
      }),
    );
    const challenged = await signIn.challenge(tenant, app, {
      continuationToken: continuationOf(started),
      challengeType: 'password',
    });
    const result = await signIn.signInWithPassword(tenant, app, {
      continuationToken: continuationOf(challenged),
      password,
      scope: [],
      device,
      context: testContext,
      into: 'continuation',
    });
    expect(result).toMatchObject({ kind: 'continue' });
    return (result as { continuationToken: string }).continuationToken;
  }

  const finish = (continuationToken: string) =>
    frame().finish(tenant, { continuationToken, device, context: testContext });
  const redeem = (code: string, extra: { codeVerifier?: string; dpopJkt?: string } = {}, at = app) =>
    frame().redeem(tenant, at, {
      code,
      codeVerifier: extra.codeVerifier,
      device: { ...device, dpopJkt: extra.dpopJkt ?? null },
      context: testContext,
    });

  it('uses an entry up once a journey has started from it, not when the start fails', async () => {
    const entryToken = await frame().enter(tenant, app, {
      scope: undefined,
      codeChallenge: undefined,
      codeChallengeMethod: undefined,
      dpopJkt: null,
      client: testClient,
    });
    const start = (username: string) =>
      frame().begin(tenant, app, entryToken, (codeRequest) =>
        harness.services.nativeSignIn.initiate(tenant, app, {
          username,
          challengeType: 'password',
          capabilities: undefined,
          client: testClient,
          codeRequest,
        }),
      );
    await expectRejection(start('nobody@example.com'), 'user_not_found');
    expect(await start(user.email)).toMatchObject({ kind: 'continue' });
    await expectRejection(start(user.email), 'invalid_continuation_token');
  });

  it('names the app of a flow from its token alone: link calls carry no client', async () => {
    expect((await frame().appOf(tenant, await proved())).clientId).toBe(app.clientId);
    await expectRejection(frame().appOf(tenant, 'garbled'), 'invalid_continuation_token');
  });

  it('opens the session only when the code is redeemed, once, as any sign-in does', async () => {
    const { code } = await finish(await proved());
    expect(harness.db.sessions.where((s) => s.userId === user.id)).toEqual([]);
    expect(await redeem(code)).toMatchObject({ kind: 'tokens' });
    expect(harness.db.sessions.where((s) => s.userId === user.id)).toMatchObject([{ amr: ['pwd'] }]);
    expect(harness.db.auditEvents.where((e) => e.type === 'sign_in.succeeded')).toHaveLength(1);
    // Used up: no longer one of these codes (the token endpoint then refuses it as unknown).
    expect(await redeem(code)).toBeNull();
  });

  it('leaves a V2 continuation unused when a V1 grant presents it, and a V1 hand-over cannot end in a code', async () => {
    const continuation = await proved();
    await expectRejection(
      harness.services.nativeSignIn.signInWithContinuation(tenant, app, {
        continuationToken: continuation,
        username: undefined,
        scope: [],
        device,
        context: testContext,
      }),
      'invalid_continuation_token',
      /authorize-challenge/,
    );
    const handOver = await harness.services.nativeSignIn.continueToSignIn(tenant, app, user, {
      flowId: 'v1',
      capabilities: [],
      proofs: [],
    });
    await expectRejection(finish(handOver), 'invalid_continuation_token', /not issued by authorize-challenge/);
    expect(await finish(continuation)).toMatchObject({ kind: 'authorization_code' });
  });

  it("checks the entry's PKCE challenge before using the code up", async () => {
    const { code } = await finish(await proved({ codeChallenge: challenge }));
    await expectRejection(redeem(code), 'invalid_authorization_code', /PKCE/);
    await expectRejection(redeem(code, { codeVerifier: 'w'.repeat(43) }), 'invalid_authorization_code', /PKCE/);
    expect(await redeem(code, { codeVerifier: verifier })).toMatchObject({ kind: 'tokens' });
  });

  it("checks the entry's DPoP key, and binds what is issued to it", async () => {
    const { code } = await finish(await proved({ dpopJkt: 'key-1' }));
    await expectRejection(redeem(code), 'dpop_binding_mismatch');
    await expectRejection(redeem(code, { dpopJkt: 'key-2' }), 'dpop_binding_mismatch');
    expect(await redeem(code, { dpopJkt: 'key-1' })).toMatchObject({ kind: 'tokens' });
    expect(harness.db.sessionRefreshTokens.where((token) => token.dpopJkt !== null)).toMatchObject([
      { dpopJkt: 'key-1' },
    ]);
  });

  it("refuses another client's code without using it up", async () => {
    const other = (await harness.services.apps.register(tenant, { name: 'Other' })).app;
    const { code } = await finish(await proved());
    await expectRejection(redeem(code, {}, other), 'invalid_authorization_code');
    expect(await redeem(code)).toMatchObject({ kind: 'tokens' });
  });

  it('answers null for a code it did not issue, so the browser exchange can take it', async () => {
    expect(await redeem('not-one-of-ours')).toBeNull();
  });
});
