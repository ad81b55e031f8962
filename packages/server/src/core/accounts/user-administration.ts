import type { AdminCaller } from '../audit/admin-caller.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import { hashPassword } from '../credentials/password-hasher.js';
import { assertPasswordAcceptable } from '../credentials/password-policy.js';
import { assertThat, BatonError } from '../errors.js';
import type { Tenant, User } from '../model.js';
import { creationPosition, pageLimit, pageOf, readCursor, type Page, type PageRequest } from '../paging.js';
import type { Repositories } from '../ports.js';
import type { DeviceGraphs, DeviceGraphSession } from '../sessions/device-graph.js';
import type { SessionService } from '../sessions/session-service.js';
import { type AccountErasure, isErased } from './account-erasure.js';
import { normalizeEmail, type AccountService, type CreateUserInput } from './account-service.js';

/** What an administrator may change of an account; what is left out stays. */
export interface UpdateUserInput {
  /** null removes it. */
  displayName?: string | null;
  /** Merged into the account's attributes; a null value removes that attribute. */
  attributes?: Record<string, string | number | boolean | null>;
  /** Replaced, by the password policy sign-up follows; sessions stay signed in (revoke them to sign out). */
  password?: string;
  emailVerified?: boolean;
}

export interface UserQuery extends PageRequest {
  /** Only the account with this address. */
  email?: string | undefined;
}

const attributeName = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const maxAttributeLength = 256;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this pattern's purpose
const controlCharacter = /[\u0000-\u001f\u007f]/;

/**
 * Accounts as an administrator manages them, from the CLI or the management API: every
 * change checked here and audited with who asked for it. Sign-up and the flows create
 * accounts through AccountService; this adds the administrator's view on top.
 */
export class UserAdministration {
  constructor(
    private readonly repos: Repositories,
    private readonly accounts: AccountService,
    private readonly erasure: AccountErasure,
    private readonly sessionService: SessionService,
    private readonly graphs: DeviceGraphs,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  /** An account with a verified address unless `emailVerified` says otherwise. */
  async create(tenant: Tenant, input: CreateUserInput, caller: AdminCaller): Promise<User> {
    assertAttributes(input.attributes ?? {});
    const user = await this.accounts.create(tenant, { emailVerified: true, ...input });
    await this.audit.recordAdmin(
      { tenantId: tenant.id, type: 'user.created', userId: user.id, data: { password: input.password !== undefined } },
      caller,
    );
    return user;
  }

  /** The tenant's accounts, oldest first, a page at a time; erased accounts are left out. */
  async list(tenant: Tenant, query: UserQuery = {}): Promise<Page<User>> {
    const limit = pageLimit(query);
    const after = readCursor(query.cursor, creationPosition);
    const users = await this.repos.users.list(tenant.id, {
      limit: limit + 1,
      ...(query.email !== undefined ? { email: normalizeEmail(query.email) } : {}),
      ...(after ? { after } : {}),
    });
    return pageOf(users, limit, (user) => ({ createdAt: user.createdAt, id: user.id }));
  }

  async get(tenant: Tenant, id: string): Promise<User> {
    const user = await this.repos.users.findById(tenant.id, id);
    if (!user || isErased(user))
      throw new BatonError('user_not_found', `No user ${id} in tenant "${tenant.name}"`, { setting: 'id' });
    return user;
  }

  /** Changes what `input` names; returns the account as it is now. */
  async update(tenant: Tenant, id: string, input: UpdateUserInput, caller: AdminCaller): Promise<User> {
    const current = await this.get(tenant, id);
    assertThat(
      input.displayName === undefined ||
        input.displayName === null ||
        (typeof input.displayName === 'string' && input.displayName.length <= 200),
      'invalid_setting',
      'The display name must be at most 200 characters',
      { setting: 'displayName' },
    );
    assertThat(
      input.emailVerified === undefined || typeof input.emailVerified === 'boolean',
      'invalid_setting',
      'Whether the address is verified is true or false',
      { setting: 'emailVerified' },
    );
    assertAttributes(input.attributes ?? {});
    if (input.password !== undefined) assertPasswordAcceptable(input.password, { email: current.email });
    const attributes = { ...current.attributes, ...input.attributes };
    for (const [name, value] of Object.entries(attributes)) if (value === null) delete attributes[name];
    const updated: User = {
      ...current,
      ...(input.displayName !== undefined ? { displayName: input.displayName || null } : {}),
      ...(input.emailVerified !== undefined ? { emailVerified: input.emailVerified } : {}),
      attributes,
    };
    await this.repos.users.update(updated);
    if (input.password !== undefined)
      await this.repos.users.setPasswordHash(current.id, await hashPassword(input.password), this.clock.now());
    await this.audit.recordAdmin(
      {
        tenantId: tenant.id,
        type: 'user.updated',
        userId: current.id,
        // Which fields changed, never their values: the audit trail is no copy of personal data.
        data: { changed: Object.keys(input).filter((field) => input[field as keyof UpdateUserInput] !== undefined) },
      },
      caller,
    );
    return updated;
  }

  /** The account's device graph: its sessions with their apps and devices, oldest first. */
  async sessions(tenant: Tenant, id: string): Promise<DeviceGraphSession[]> {
    return this.graphs.of(tenant, (await this.get(tenant, id)).id);
  }

  /** Revokes every session of the account; returns their ids (none is no error). */
  async revokeSessions(tenant: Tenant, id: string, caller: AdminCaller): Promise<string[]> {
    return this.sessionService.revokeUser(tenant, await this.get(tenant, id), 'revoked_by_admin', caller.context, {
      actor: caller.actor,
    });
  }

  /** Revokes one session of the tenant and its children (a branch of the device graph); returns their ids. */
  async revokeSession(tenant: Tenant, sessionId: string, caller: AdminCaller): Promise<string[]> {
    const session = await this.repos.sessions.find(sessionId);
    if (session?.tenantId !== tenant.id)
      throw new BatonError('session_not_found', `No session ${sessionId} in tenant "${tenant.name}"`, {
        setting: 'sessionId',
      });
    return this.sessionService.revoke(session.id, 'revoked_by_admin', caller.context, { actor: caller.actor });
  }

  /** Erases the account's personal data and signs out every device (AccountErasure). */
  /**
   * Erases the account. Deleting one already erased changes nothing and is no error (a
   * retried DELETE); an id that never was an account here is `user_not_found`.
   */
  async delete(tenant: Tenant, id: string, caller: AdminCaller): Promise<{ revokedSessions: string[] }> {
    const user = await this.repos.users.findById(tenant.id, id);
    if (user && isErased(user)) return { revokedSessions: [] };
    return this.erasure.erase(tenant, await this.get(tenant, id), caller);
  }
}

/** Attribute names as app declarations spell them; values a string (at most 256 characters), a number or a boolean. */
function assertAttributes(attributes: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(attributes)) {
    assertThat(
      attributeName.test(name),
      'invalid_setting',
      `Attribute name "${name}" must be a letter then letters, digits or underscores`,
      { setting: 'attributes' },
    );
    assertThat(
      value === null ||
        typeof value === 'boolean' ||
        (typeof value === 'number' && Number.isFinite(value)) ||
        (typeof value === 'string' && value.length <= maxAttributeLength && !controlCharacter.test(value)),
      'invalid_setting',
      `Attribute "${name}" must be a string of at most ${maxAttributeLength} characters, a number or a boolean`,
      { setting: 'attributes' },
    );
  }
}
