import type { DeviceGraphSession } from '../sessions/device-graph.js';

/** What "sign out everywhere else" ends and keeps, in a user's device graph. */
export interface Elsewhere {
  /** The sessions to revoke, each the top of a branch none of whose sessions is kept (revoked ones left out: their branch ended with them). */
  branches: string[];
  /** Every session kept. */
  kept: string[];
}

/**
 * "Everything but this device", from the session the caller uses. Kept: every session on
 * the caller's device (the caller's own, and sibling apps signed in there by Native SSO),
 * each one's ancestors (ending a parent would end its child) and each one's descendants
 * (the watch and web views this device handed off to). Everything else not yet revoked
 * ends (an expired phone's live watch too): other phones and browsers, and the other branches of a kept parent (when a watch
 * asks, the phone's web views and its other companions).
 */
export function elsewhere(graph: readonly DeviceGraphSession[], currentId: string): Elsewhere {
  const byId = new Map(graph.map((session) => [session.id, session]));
  const children = new Map<string, DeviceGraphSession[]>();
  for (const session of graph)
    if (session.parentId !== null) children.set(session.parentId, [...(children.get(session.parentId) ?? []), session]);
  const deviceId = byId.get(currentId)?.device.id;
  const kept = new Set<string>();
  const keepDescendants = (id: string) => {
    kept.add(id);
    for (const child of children.get(id) ?? []) keepDescendants(child.id);
  };
  for (const session of graph) {
    if (session.device.id !== deviceId) continue;
    keepDescendants(session.id);
    for (let parent = session.parentId; parent !== null; parent = byId.get(parent)?.parentId ?? null) kept.add(parent);
  }
  const branches = graph
    .filter((session) => !kept.has(session.id) && (session.parentId === null || kept.has(session.parentId)))
    .filter((session) => session.status !== 'revoked')
    .map((session) => session.id);
  return { branches, kept: [...kept] };
}
