import type { SignIn, SignInKind } from '../../core/account/sign-in-activity.js';
import type { Tenant, User } from '../../core/model.js';
import { type DeviceNode, nodesOf } from './device-tree.js';
import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';
import { hiddenFields } from './pages.js';
import { timeAgo } from './time-ago.js';

/** The paths of the account page and its two questions. */
export const accountPaths = (tenant: Pick<Tenant, 'name'>) => ({
  page: `/${tenant.name}/account`,
  signOut: `/${tenant.name}/account/sign-out`,
  everywhere: `/${tenant.name}/account/sign-out-everywhere`,
});

export interface DevicesView {
  tenant: Tenant;
  nonce: string;
  user: User;
  tree: DeviceNode[];
  /** Whether anything is signed in that "everywhere else" would end. */
  othersSignedIn: boolean;
  signIns: SignIn[];
  now: number;
  /** What the last action did, announced as a status. */
  done?: string;
}

/**
 * "Your devices": the live sessions as nested lists (a tree a screen reader announces by
 * its levels), each with a button that asks before signing that branch out; "sign out
 * everywhere else"; recent sign-ins. The buttons are GET forms to a question page, so
 * nothing here changes anything, and nothing needs a script.
 */
export function devicesPage(v: DevicesView): string {
  const paths = accountPaths(v.tenant);
  return layout(
    { tenant: v.tenant, title: 'Your devices', nonce: v.nonce, wide: true },
    html`
${v.done ? html`<p class="notice" role="status">${v.done}</p>` : ''}
<p>Signed in as <strong>${v.user.email}</strong>. A watch or an in-app browser your phone signed in is listed under it: signing a device out signs out everything under it too.</p>
<section aria-labelledby="devices">
<h2 id="devices">Signed-in devices</h2>
${v.tree.length ? html`<ul class="tree">${v.tree.map((n) => deviceItem(n, paths.signOut, v.now))}</ul>` : html`<p>No device is signed in.</p>`}
</section>
${
  v.tree.length
    ? html`<section aria-labelledby="everywhere">
<h2 id="everywhere">Sign out everywhere</h2>
${
  v.othersSignedIn
    ? html`<p>"Everywhere else" signs out every other phone, computer and browser. This device stays signed in, with the device it was signed in from and the ones it signed in.</p>
<form method="get" action="${paths.everywhere}"><button type="submit" class="secondary">Sign out everywhere else</button></form>`
    : html`<p>No other device is signed in.</p>`
}
<p>"Everywhere" signs out every device, this one too.</p>
<form method="get" action="${paths.everywhere}"><input type="hidden" name="this_device" value="yes"><button type="submit" class="secondary">Sign out everywhere, this device too</button></form>
</section>`
    : ''
}
<section aria-labelledby="activity">
<h2 id="activity">Recent sign-ins</h2>
${v.signIns.length ? activityTable(v.signIns, v.now) : html`<p>No sign-ins yet.</p>`}
</section>`,
  );
}

function deviceItem(node: DeviceNode, signOut: string, now: number): SafeHtml {
  const { session, title, details } = node;
  const app = session.app.name;
  return html`<li>
<div class="session${session.current ? ' current' : ''}">
<div>
<p><strong>${title}</strong>${session.current ? html` <span class="badge">This device</span>` : ''}</p>
<p class="hint">${[...details, ''].join(' · ')}Last used ${timeAgo(session.lastUsedAt, now)}</p>
</div>
<form method="get" action="${signOut}"><input type="hidden" name="session" value="${session.id}"><button type="submit" class="secondary">Sign out ${title}${app && app !== title ? html`<span class="visually-hidden"> (${app})</span>` : ''}</button></form>
</div>
${node.children.length ? html`<ul>${node.children.map((child) => deviceItem(child, signOut, now))}</ul>` : ''}
</li>`;
}

const signInKinds: Record<SignInKind, string> = {
  sign_in: 'Signed in',
  session_transfer: 'Handed off from another device',
  device_code: 'Device code',
  native_sso: 'Single sign-on from another app',
};

function activityTable(signIns: SignIn[], now: number): SafeHtml {
  const rows = signIns.map((s) => {
    const place = s.place ? ('country' in s.place ? s.place.country : s.place.ip) : 'Unknown';
    return html`<tr><td>${timeAgo(s.at, now)}</td><td>${signInKinds[s.kind]}</td><td>${s.app?.name ?? 'Unknown'}</td><td>${s.device?.name ?? 'Unknown'}</td><td>${place}</td></tr>`;
  });
  return html`<table>
<caption class="visually-hidden">Your latest sign-ins, newest first</caption>
<thead><tr><th scope="col">When</th><th scope="col">How</th><th scope="col">App</th><th scope="col">Device</th><th scope="col">From</th></tr></thead>
<tbody>${rows}</tbody>
</table>`;
}

/** "Sign out this device?": what ends with it (its branch), whether this browser is in it, and the button that does it. */
export function signOutQuestion(p: { tenant: Tenant; nonce: string; csrf: string; branch: DeviceNode }): string {
  const paths = accountPaths(p.tenant);
  const ending = nodesOf([p.branch]);
  return question(p.tenant, p.nonce, `Sign out ${p.branch.title}?`, {
    body: html`<p>${ending.length > 1 ? 'These will be signed out:' : 'This will be signed out:'}</p>
<ul>${ending.map((n) => html`<li>${n.title} (${n.details.join(', ')})</li>`)}</ul>
${ending.some((n) => n.session.current) ? html`<p class="notice warning">This browser is one of them: you will be signed out here too.</p>` : ''}
<p>Apps there will ask to sign in again.</p>`,
    action: paths.signOut,
    hidden: { csrf: p.csrf, session: p.branch.session.id },
    label: `Sign out ${p.branch.title}`,
  });
}

/** "Sign out everywhere else?" (what ends and what stays), or with `thisDevice` "Sign out everywhere?" (all of it). */
export function everywhereQuestion(p: {
  tenant: Tenant;
  nonce: string;
  csrf: string;
  ending: DeviceNode[];
  staying: DeviceNode[];
  thisDevice: boolean;
}): string {
  const list = (nodes: DeviceNode[]) =>
    html`<ul>${nodes.map((n) => html`<li>${n.title}${n.session.current ? ' (this device)' : ''}</li>`)}</ul>`;
  const action = accountPaths(p.tenant).everywhere;
  if (p.thisDevice)
    return question(p.tenant, p.nonce, 'Sign out everywhere?', {
      body: html`<p>Signed out, with everything they signed in:</p>${list(p.ending)}
<p class="notice warning">This browser is one of them: you will be signed out here too.</p>`,
      action,
      hidden: { csrf: p.csrf, this_device: 'yes' },
      label: 'Sign out everywhere, this device too',
    });
  return question(p.tenant, p.nonce, 'Sign out everywhere else?', {
    body: html`<p>Signed out, with everything they signed in:</p>${list(p.ending)}
<p>Still signed in:</p>${list(p.staying)}`,
    action,
    hidden: { csrf: p.csrf },
    label: 'Sign out everywhere else',
  });
}

function question(
  tenant: Tenant,
  nonce: string,
  title: string,
  p: { body: SafeHtml; action: string; hidden: Record<string, string>; label: string },
): string {
  return layout(
    { tenant, title, nonce, wide: true },
    html`
${p.body}
<form method="post" action="${p.action}">${hiddenFields(p.hidden)}<button type="submit">${p.label}</button></form>
<div class="links"><a href="${accountPaths(tenant).page}">Cancel, keep everything signed in</a></div>`,
  );
}
