import type { Clock } from '../clock.js';
import type { DeviceKind, Tenant } from '../model.js';
import type { Repositories } from '../ports.js';
import { sessionEndReason } from './refresh-tokens.js';

export type SessionStatus = 'active' | 'expired' | 'revoked';

/** One session of a user's device graph as people and administrators see it: its place, its app, its device, its state. */
export interface DeviceGraphSession {
  id: string;
  /** The session this one was handed off from (a watch's phone session); null for a sign-in. */
  parentId: string | null;
  app: { clientId: string; name: string | null };
  device: { id: string; name: string; platform: string; kind: DeviceKind };
  createdAt: number;
  lastUsedAt: number;
  /** When it ends unless used again: the sooner of its idle and absolute expiry. */
  expiresAt: number;
  amr: string[];
  status: SessionStatus;
  revokedAt: number | null;
  revokedReason: string | null;
}

/**
 * A user's device graph: every session of the user, oldest first, a branch hanging from its
 * `parentId`. The management API and the account API both show this one view.
 */
export class DeviceGraphs {
  constructor(
    private readonly repos: Repositories,
    private readonly clock: Clock,
  ) {}

  async of(tenant: Tenant, userId: string): Promise<DeviceGraphSession[]> {
    const [sessions, apps] = await Promise.all([
      this.repos.sessions.listByUser(tenant.id, userId),
      this.repos.apps.list(tenant.id),
    ]);
    const appNames = new Map(apps.map((app) => [app.clientId, app.name]));
    const now = this.clock.now();
    return sessions.map((s) => ({
      id: s.id,
      parentId: s.parentId,
      app: { clientId: s.clientId, name: appNames.get(s.clientId) ?? null },
      device: { id: s.device.id, name: s.device.name, platform: s.device.platform, kind: s.device.kind },
      createdAt: s.createdAt,
      lastUsedAt: s.lastUsedAt,
      expiresAt: Math.min(s.absoluteExpiresAt, s.lastUsedAt + s.idleTtl * 1000),
      amr: s.amr,
      status: s.revokedAt !== null ? 'revoked' : sessionEndReason(s, now) ? 'expired' : 'active',
      revokedAt: s.revokedAt,
      revokedReason: s.revokedReason,
    }));
  }
}
