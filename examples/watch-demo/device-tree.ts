import type { DeviceSession } from '@baton/sdk';

/** What a line of the tree shows of a session: the SDK's account.devices() gives it whole; the demo's CLI view maps to it. */
export type TreeSession = Pick<DeviceSession, 'id' | 'parentId' | 'status' | 'current'> & {
  device: Pick<DeviceSession['device'], 'name' | 'kind'>;
  app: Pick<DeviceSession['app'], 'clientId' | 'name'>;
};

/**
 * A device graph as lines of text, each session under the one it was handed off from:
 * `Ada's phone (demo) [primary, Phone app] this device`, then `└─ Ada's watch (demo) [companion, Watch app]`.
 */
export function deviceTree(sessions: readonly TreeSession[]): string[] {
  const known = new Set(sessions.map((s) => s.id));
  const lines: string[] = [];
  const draw = (session: TreeSession, depth: number) => {
    const branch = depth === 0 ? '' : `${'   '.repeat(depth - 1)}└─ `;
    const status = session.status === 'active' ? '' : ` (${session.status})`;
    lines.push(
      `${branch}${session.device.name} [${session.device.kind}, ${session.app.name ?? session.app.clientId}]${status}${session.current ? ' this device' : ''}`,
    );
    for (const child of sessions.filter((s) => s.parentId === session.id)) draw(child, depth + 1);
  };
  for (const root of sessions.filter((s) => s.parentId === null || !known.has(s.parentId))) draw(root, 0);
  return lines;
}
