import { BatonError } from '../errors.js';
import type { Tenant } from '../model.js';
import type { DeviceGraphs, DeviceGraphSession } from '../sessions/device-graph.js';
import type { SessionService } from '../sessions/session-service.js';
import type { AccountHolder } from './account-holder.js';
import { elsewhere } from './other-devices.js';

/** A session of the holder's graph, and whether it is the one the holder calls from. */
export type OwnSession = DeviceGraphSession & { current: boolean };

/** Why the account API ended sessions, as `session.revoked`'s reasons read. */
const revokedByUser = 'revoked_by_user';

/**
 * A user's own sessions, as the account API and the hosted account page show and end them:
 * only the holder's graph is ever seen or touched, and a session of anyone else is exactly
 * as unknown as one that never was.
 */
export class AccountSessions {
  constructor(
    private readonly graphs: DeviceGraphs,
    private readonly sessions: SessionService,
  ) {}

  /** The holder's device graph, oldest first, `current` on the session they call from. */
  async devices(tenant: Tenant, holder: AccountHolder): Promise<OwnSession[]> {
    const graph = await this.graphs.of(tenant, holder.userId);
    return graph.map((session) => ({ ...session, current: session.id === holder.sessionId }));
  }

  /** Ends one of the holder's sessions and its branch; returns the ids ended (none when it had ended already). */
  async revoke(tenant: Tenant, holder: AccountHolder, sessionId: string): Promise<string[]> {
    const session = await this.sessions.find(sessionId);
    if (session?.tenantId !== tenant.id || session.userId !== holder.userId)
      throw new BatonError('session_not_found', `You have no session ${sessionId}`, { setting: 'sessionId' });
    return this.sessions.revoke(sessionId, revokedByUser, holder.context, {}, 'account.session_revoked');
  }

  /**
   * Signs the holder out everywhere but this device (see `elsewhere` for what is kept):
   * the ids ended, and those kept.
   */
  async revokeOthers(tenant: Tenant, holder: AccountHolder): Promise<{ revoked: string[]; kept: string[] }> {
    const { branches, kept } = elsewhere(await this.graphs.of(tenant, holder.userId), holder.sessionId);
    const revoked = await this.sessions.revokeBranches(
      tenant,
      holder.userId,
      branches,
      revokedByUser,
      'account.signed_out_elsewhere',
      holder.context,
      { kept },
    );
    return { revoked, kept };
  }

  /** Signs the holder out everywhere, the device they call from too: the ids ended. */
  async revokeEverywhere(tenant: Tenant, holder: AccountHolder): Promise<string[]> {
    const graph = await this.graphs.of(tenant, holder.userId);
    const ids = new Set(graph.map((session) => session.id));
    // The top of every branch still standing: ending it ends everything below it.
    const tops = graph
      .filter((session) => session.status !== 'revoked' && (session.parentId === null || !ids.has(session.parentId)))
      .map((session) => session.id);
    return this.sessions.revokeBranches(
      tenant,
      holder.userId,
      tops,
      revokedByUser,
      'account.signed_out_everywhere',
      holder.context,
    );
  }
}
