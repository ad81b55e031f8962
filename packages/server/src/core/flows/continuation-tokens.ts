import { tenantDefaults } from '../../config/defaults.js';
import { digest, randomToken } from '../../crypto/digest.js';
import type { Clock } from '../clock.js';
import { BatonError } from '../errors.js';
import type { App, ContinuationRecord, Tenant, User } from '../model.js';
import type { ContinuationRepository, UserRepository } from '../ports.js';

/** The native-auth flows a continuation token can belong to; a token never crosses flows. */
export type FlowName =
  | 'sign-in'
  | 'sign-up'
  | 'reset-password'
  | 'mfa'
  | 'register'
  | 'authorize'
  | 'authorize-challenge'
  | 'authorization-code';

export interface Continuation<S> {
  token: string;
  record: ContinuationRecord;
  state: S;
}

/**
 * Opaque, expiring continuation tokens bound to tenant, client and flow, stored as
 * digests. A failed credential attempt leaves the token usable (MSAL retries with it);
 * finishing a step consumes it.
 */
export class ContinuationTokens {
  constructor(
    private readonly store: ContinuationRepository,
    private readonly clock: Clock,
  ) {}

  /** The first token of a flow; the flow as a whole must end within `lifetime` seconds (`maxFlowLifetime`). */
  issue<S extends object>(
    tenant: Tenant,
    app: App,
    flow: FlowName,
    userId: string | null,
    state: S,
    lifetime = tenantDefaults.maxFlowLifetime,
  ): Promise<string> {
    return this.save(tenant.id, app.clientId, flow, userId, state, this.clock.now() + lifetime * 1000);
  }

  /**
   * The next token of the same flow (tenant, client, flow and account carried over). Each
   * step gets a fresh lifetime, but never past the flow's deadline, so a flow cannot be
   * kept open forever by stepping through it.
   */
  next<S extends object>(previous: Continuation<unknown>, state: S): Promise<string> {
    const { tenantId, clientId, flow, userId, flowExpiresAt } = previous.record;
    return this.save(tenantId, clientId, flow, userId, state, flowExpiresAt);
  }

  private async save(
    tenantId: string,
    clientId: string,
    flow: string,
    userId: string | null,
    state: object,
    flowExpiresAt: number | null,
  ): Promise<string> {
    const token = randomToken();
    const now = this.clock.now();
    const stepExpiry = now + tenantDefaults.continuationTokenTtl * 1000;
    await this.store.insert({
      digest: digest(token),
      tenantId,
      clientId,
      flow,
      userId,
      state: state as Record<string, unknown>,
      createdAt: now,
      expiresAt: flowExpiresAt === null ? stepExpiry : Math.min(stepExpiry, flowExpiresAt),
      flowExpiresAt,
    });
    return token;
  }

  /** The continuation a token names, if it belongs to this tenant, client and one of `flows`. */
  read<S>(tenant: Tenant, app: App, flows: FlowName[], token: string | undefined): Promise<Continuation<S>> {
    return this.readFor(tenant, app.clientId, flows, token);
  }

  /**
   * The same, for a caller that learns the client from the token itself (the hosted pages
   * carry an authorization request's token; its client is the app to go back to).
   */
  readAnyClient<S>(tenant: Tenant, flows: FlowName[], token: string | undefined): Promise<Continuation<S>> {
    return this.readFor(tenant, null, flows, token);
  }

  private async readFor<S>(
    tenant: Tenant,
    clientId: string | null,
    flows: FlowName[],
    token: string | undefined,
  ): Promise<Continuation<S>> {
    if (!token) throw new BatonError('malformed_request', 'continuation_token is required');
    const record = await this.store.find(digest(token));
    if (
      !record ||
      record.tenantId !== tenant.id ||
      (clientId !== null && record.clientId !== clientId) ||
      !flows.includes(record.flow as FlowName)
    ) {
      throw new BatonError('invalid_continuation_token', 'The continuation token is not valid for this request');
    }
    if (record.expiresAt <= this.clock.now()) {
      throw new BatonError('continuation_expired', 'The continuation token has expired; start the flow again');
    }
    return { token, record, state: record.state as S };
  }

  /** Whether `token` names a stored continuation of `flow`, valid or not: which of two stores a value is for. */
  async isOf(flow: FlowName, token: string): Promise<boolean> {
    return (await this.store.find(digest(token)))?.flow === flow;
  }

  /** The flow a continuation token belongs to, for endpoints several flows share. */
  async flowOf(tenant: Tenant, app: App, token: string | undefined): Promise<FlowName> {
    const flows: FlowName[] = ['sign-in', 'sign-up', 'reset-password', 'mfa', 'register'];
    return (await this.read(tenant, app, flows, token)).record.flow as FlowName;
  }

  /** Ends a continuation; false when another request already did (it lost a race). */
  consume(continuation: Continuation<unknown>): Promise<boolean> {
    return this.store.consume(continuation.record.digest);
  }
}

/** The account a continuation token was issued for; a flow whose account is gone cannot go on. */
export async function accountOf(
  users: UserRepository,
  tenant: Tenant,
  continuation: Continuation<unknown>,
): Promise<User> {
  const { userId } = continuation.record;
  const user = userId ? await users.findById(tenant.id, userId) : null;
  if (!user) throw new BatonError('invalid_continuation_token', 'The account no longer exists');
  return user;
}
