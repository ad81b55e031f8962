import { html, type SafeHtml } from '../web/html.js';
import type { SessionJson } from './api-types.js';
import { when } from './console-layout.js';
import { buttonForm } from './forms.js';

/**
 * A user's sessions drawn as the tree they form (phone -> watch, phone -> web view): each
 * session under its parent, with its app, device, last use and status, and a button that
 * revokes it with its branch. A session whose parent is not in the list is drawn as a root.
 */
export function deviceTree(
  sessions: SessionJson[],
  revokeUrl: (id: string) => string,
  csrf: string,
  userId: string,
): SafeHtml {
  const ids = new Set(sessions.map((s) => s.id));
  const children = new Map<string | null, SessionJson[]>();
  for (const s of sessions) {
    const parent = s.parent_id !== null && ids.has(s.parent_id) ? s.parent_id : null;
    children.set(parent, [...(children.get(parent) ?? []), s]);
  }
  const branch = (parent: string | null): SafeHtml => {
    const nodes = children.get(parent) ?? [];
    return html`${nodes.map((s) => {
      const label = `${s.device.name} (${s.app.name ?? s.app.client_id})`;
      return html`<li>
<strong>${s.device.name}</strong> · ${s.device.platform} · ${s.device.kind}<br>
App: ${s.app.name ?? ''} <code>${s.app.client_id}</code><br>
Last used ${when(s.last_used_at)} · signed in ${when(s.created_at)} with ${s.amr.join(', ')} ·
<span class="status-${s.status}">${s.status}</span>${s.revoked_at ? ` ${when(s.revoked_at)}` : ''}
${s.status === 'active' ? buttonForm(revokeUrl(s.id), csrf, 'Revoke branch', { danger: true, label: `Revoke ${label} and its branch`, hidden: { user: userId } }) : ''}
${(children.get(s.id) ?? []).length > 0 ? html`<ul>${branch(s.id)}</ul>` : ''}
</li>`;
    })}`;
  };
  return sessions.length === 0 ? html`<p>No sessions.</p>` : html`<ul class="tree">${branch(null)}</ul>`;
}
