import type { AuditLog } from '../audit/audit-log.js';
import type { AdminCaller } from '../audit/admin-caller.js';
import type { Tenant, User } from '../model.js';
import type { Repositories } from '../ports.js';
import type { SessionService } from '../sessions/session-service.js';

/** What an erased account keeps in place of its address: unique, and not an address, so no sign-in or sign-up can name it. */
const tombstoneEmail = (userId: string) => `deleted:${userId}`;

/** Whether the account was erased: its address is the tombstone. */
export const isErased = (user: User) => user.email === tombstoneEmail(user.id);

/**
 * Deletes an account as far as its personal data goes (a user's right to erasure). What
 * identified the user is erased first, so no new sign-in can find the account; then every
 * session is revoked, so every device is signed out at its next refresh, including one
 * that finished signing in meanwhile. The account's id stays, pseudonymous, so sessions,
 * refresh tokens (reuse detection) and the audit trail keep referring to something; the
 * audit trail is the operator's to prune (docs/security.md).
 */
export class AccountErasure {
  constructor(
    private readonly repos: Repositories,
    private readonly sessions: SessionService,
    private readonly audit: AuditLog,
  ) {}

  async erase(tenant: Tenant, user: User, caller: AdminCaller): Promise<{ revokedSessions: string[] }> {
    await this.repos.users.erase(user, tombstoneEmail(user.id));
    const revokedSessions = await this.sessions.revokeUser(tenant, user, 'user_deleted', caller.context);
    await this.audit.recordAdmin(
      { tenantId: tenant.id, type: 'user.deleted', userId: user.id, data: { sessions: revokedSessions } },
      caller,
    );
    return { revokedSessions };
  }
}
