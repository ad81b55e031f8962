import { Type } from 'typebox';
import type { DeviceGraphSession } from '../core/sessions/device-graph.js';
import { iso, isoOrNull, Nullable, Timestamp } from './admin/schemas.js';

/** One session of a device graph on the wire: the management API's and the account API's. */
export const DeviceGraphSessionBody = Type.Object({
  id: Type.String(),
  parent_id: Nullable(Type.String()),
  app: Type.Object({ client_id: Type.String(), name: Nullable(Type.String()) }),
  device: Type.Object({
    id: Type.String(),
    name: Type.String(),
    platform: Type.String(),
    kind: Type.Union([
      Type.Literal('primary'),
      Type.Literal('companion'),
      Type.Literal('browser'),
      Type.Literal('service'),
    ]),
  }),
  created_at: Timestamp,
  last_used_at: Timestamp,
  expires_at: Timestamp,
  amr: Type.Array(Type.String()),
  status: Type.Union([Type.Literal('active'), Type.Literal('expired'), Type.Literal('revoked')]),
  revoked_at: Nullable(Timestamp),
  revoked_reason: Nullable(Type.String()),
});

export function deviceGraphSessionBody(s: DeviceGraphSession) {
  return {
    id: s.id,
    parent_id: s.parentId,
    app: { client_id: s.app.clientId, name: s.app.name },
    device: s.device,
    created_at: iso(s.createdAt),
    last_used_at: iso(s.lastUsedAt),
    expires_at: iso(s.expiresAt),
    amr: s.amr,
    status: s.status,
    revoked_at: isoOrNull(s.revokedAt),
    revoked_reason: s.revokedReason,
  };
}
