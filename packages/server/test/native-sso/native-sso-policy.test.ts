import { beforeAll, describe, it } from 'vitest';
import type { App } from '../../src/core/model.js';
import { expectError } from '../support/assertions.js';
import { engines } from '../support/databases.js';
import type { TestServer } from '../support/test-server.js';
import { nativeSsoClient, useSuiteServer } from './native-sso-client.js';

const operator = { actor: 'operator', context: { ip: null, userAgent: null, correlationId: 'test' } } as const;

/** A Native SSO exchange opens a sign-in of its own app: the app's MFA rule and the tenant's policy at sign_in hold. */
describe.each(engines)('Native SSO and conditional access on %s', (engine) => {
  const suite = useSuiteServer(engine);
  let t: TestServer;
  let mail: App;
  let calendar: App;
  let bank: App;
  beforeAll(async () => {
    ({ t, mail, calendar } = suite());
    bank = (await t.registerApp({ name: 'Bank', ssoGroup: 'acme-suite', requireMfa: true })).app;
  });

  const setPolicy = (rules: unknown[]) => t.services.policies.set(t.tenant, { rules }, operator);

  it('an app that requires MFA takes only a device sign-in that had it: interaction_required 50076', async () => {
    const client = nativeSsoClient(t);
    const tokens = await client.signIn(mail);
    expectError(await client.exchange(bank, tokens.id_token, tokens.device_secret!), 400, 'interaction_required', {
      errorCode: 50076,
    });
  });

  it("the tenant's policy at sign_in applies to the new session: a block is invalid_grant 53003", async () => {
    const client = nativeSsoClient(t);
    const tokens = await client.signIn(mail);
    await setPolicy([
      { name: 'no-calendar', state: 'enabled', at: ['sign_in'], when: "app.name == 'Calendar'", then: { block: true } },
    ]);
    try {
      expectError(await client.exchange(calendar, tokens.id_token, tokens.device_secret!), 400, 'invalid_grant', {
        errorCode: 53003,
      });
    } finally {
      await setPolicy([]);
    }
  });
});
