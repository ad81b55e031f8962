import type { OwnSession } from '../../core/account/account-sessions.js';
import { browserName } from './browser-name.js';

/** A live session as the account page draws it: what to call it, and the live sessions handed off from it. */
export interface DeviceNode {
  session: OwnSession;
  /** What a person calls it: the device's name, "In-app browser", "Chrome on Linux", or the app's when it shares its parent's device. */
  title: string;
  /** The browser behind an in-app browser, the platform and the app, where they say more than the title. */
  details: string[];
  children: DeviceNode[];
}

/**
 * The user's live sessions as a forest, each session under the one it was handed off
 * from (a revoked or expired one is not drawn; a live session whose parent is no longer
 * live is a root of its own). The graph and who owns it are the domain's
 * (AccountSessions.devices); this only decides how each node reads.
 */
export function deviceTree(sessions: readonly OwnSession[]): DeviceNode[] {
  const live = sessions.filter((s) => s.status === 'active');
  const byId = new Map(live.map((s) => [s.id, s]));
  const node = (session: OwnSession): DeviceNode => ({
    session,
    ...naming(session, session.parentId === null ? undefined : byId.get(session.parentId)),
    children: live.filter((s) => s.parentId === session.id).map(node),
  });
  return live.filter((s) => s.parentId === null || !byId.has(s.parentId)).map(node);
}

/** Every node of `tree`, depth first. */
export function nodesOf(tree: readonly DeviceNode[]): DeviceNode[] {
  return tree.flatMap((n) => [n, ...nodesOf(n.children)]);
}

/** The node of one session, with its branch below it; undefined when it is not live. */
export function branchOf(tree: readonly DeviceNode[], sessionId: string): DeviceNode | undefined {
  return nodesOf(tree).find((n) => n.session.id === sessionId);
}

function naming(session: OwnSession, parent: OwnSession | undefined): Pick<DeviceNode, 'title' | 'details'> {
  const { device, app } = session;
  const appName = app.name ?? 'An app that no longer exists';
  const platform = ['web', 'unknown', ''].includes(device.platform) ? [] : [device.platform];
  // An app signed in through a browser (or by Native SSO) shares its parent's device: the app tells them apart.
  if (parent && parent.device.id === device.id) return { title: appName, details: [...platform, 'on the same device'] };
  if (device.kind !== 'browser') return { title: device.name, details: [...platform, appName] };
  // A browser session handed off from an app's session is that app's web view.
  if (parent) return { title: 'In-app browser', details: [browserName(device.name), appName] };
  return { title: browserName(device.name), details: [appName] };
}
