import { beforeEach, describe, expect, it } from 'vitest';
import { tenantDefaults } from '../../config/defaults.js';
import { digest } from '../../crypto/digest.js';
import type { App, Tenant } from '../model.js';
import { expectRejection } from '../testing/domain-expectations.js';
import { type DomainHarness, inMemoryServices } from '../testing/in-memory-services.js';
import type { ContinuationTokens } from './continuation-tokens.js';

const second = 1000;

describe('ContinuationTokens', () => {
  let harness: DomainHarness;
  let continuations: ContinuationTokens;
  let tenant: Tenant;
  let app: App;

  beforeEach(async () => {
    harness = inMemoryServices();
    continuations = harness.services.continuations;
    ({ tenant, app } = await harness.tenantWithApp());
  });

  const issue = () => continuations.issue(tenant, app, 'sign-in', 'user-1', { step: 1 });

  it('reads back the state of a token, stored only as its digest', async () => {
    const token = await issue();
    const read = await continuations.read<{ step: number }>(tenant, app, ['sign-in'], token);
    expect(read.state).toEqual({ step: 1 });
    expect(read.record).toMatchObject({
      tenantId: tenant.id,
      clientId: app.clientId,
      flow: 'sign-in',
      userId: 'user-1',
    });
    expect(harness.db.continuations.where().map((record) => record.digest)).toEqual([digest(token)]);
  });

  it('refuses a token of another flow, another client or another tenant, and a missing one', async () => {
    const token = await issue();
    const { app: otherApp } = await harness.services.apps.register(tenant, { name: 'Other' });
    const otherTenant = await harness.services.tenants.create({ name: 'globex' });
    const notValid = /not valid for this request/;
    await expectRejection(
      continuations.read(tenant, app, ['sign-up', 'mfa'], token),
      'invalid_continuation_token',
      notValid,
    );
    await expectRejection(
      continuations.read(tenant, otherApp, ['sign-in'], token),
      'invalid_continuation_token',
      notValid,
    );
    await expectRejection(
      continuations.read(otherTenant, app, ['sign-in'], token),
      'invalid_continuation_token',
      notValid,
    );
    await expectRejection(
      continuations.read(tenant, app, ['sign-in'], 'forged'),
      'invalid_continuation_token',
      notValid,
    );
    await expectRejection(continuations.read(tenant, app, ['sign-in'], undefined), 'malformed_request');
  });

  it('expires a token after its lifetime, taking it up to the last millisecond', async () => {
    const token = await issue();
    harness.clock.advance(tenantDefaults.continuationTokenTtl * second - 1);
    await continuations.read(tenant, app, ['sign-in'], token);
    harness.clock.advance(1);
    await expectRejection(continuations.read(tenant, app, ['sign-in'], token), 'continuation_expired');
  });

  it('gives each step a fresh lifetime, never past the deadline of the whole flow', async () => {
    let token = await issue();
    const stepEvery = (tenantDefaults.continuationTokenTtl - 60) * second;
    const deadline = harness.clock.now() + tenantDefaults.maxFlowLifetime * second;
    while (harness.clock.now() + stepEvery < deadline) {
      harness.clock.advance(stepEvery);
      token = await continuations.next(await continuations.read(tenant, app, ['sign-in'], token), { step: 2 });
    }
    harness.clock.set(deadline);
    await expectRejection(continuations.read(tenant, app, ['sign-in'], token), 'continuation_expired');
  });

  it('is consumed once: the first caller wins, and the token is gone', async () => {
    const continuation = await continuations.read(tenant, app, ['sign-in'], await issue());
    expect(await Promise.all([continuations.consume(continuation), continuations.consume(continuation)])).toEqual([
      true,
      false,
    ]);
    await expectRejection(
      continuations.read(tenant, app, ['sign-in'], continuation.token),
      'invalid_continuation_token',
    );
  });
});
