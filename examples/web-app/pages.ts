import type { DeviceSession } from './devices.js';

const escapeHtml = (value: unknown) =>
  String(value ?? '').replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

/** Who the page is for, however the web app learnt it. */
export interface Viewer {
  via: 'session' | 'bearer';
  sub: string;
  name?: string | undefined;
  email?: string | undefined;
  /** The Baton session behind it (`sid`). */
  sid?: string | undefined;
  /** With a bearer token: the native app it was issued to. */
  clientId?: string | undefined;
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} · Example web app</title></head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>`;
}

/** The live sessions as nested lists, each under the one it was handed off from; this browser's marked. */
function deviceList(devices: readonly DeviceSession[]): string {
  const live = devices.filter((d) => d.status === 'active');
  const ids = new Set(live.map((d) => d.id));
  const items = (parentId: string | null): string => {
    const children = live.filter((d) =>
      parentId === null ? d.parent_id === null || !ids.has(d.parent_id) : d.parent_id === parentId,
    );
    if (children.length === 0) return '';
    return `<ul>${children
      .map(
        (d) =>
          `<li>${escapeHtml(d.device.name)} (${escapeHtml(d.device.kind)}, ${escapeHtml(d.app.name ?? d.app.client_id)})${d.current ? ' <strong>this browser</strong>' : ''}${items(d.id)}</li>`,
      )
      .join('')}</ul>`;
  };
  return items(null);
}

/** The user's devices from Baton's account API, or why they are not shown. */
function devicesSection(devices: readonly DeviceSession[] | null | undefined): string {
  if (devices === undefined) return '';
  const body = devices === null ? '<p>Not available right now: refresh the tokens.</p>' : deviceList(devices);
  return `<section aria-labelledby="devices"><h2 id="devices">Your devices</h2>${body}</section>`;
}

export function homePage(viewer: Viewer | null, notice?: string, devices?: readonly DeviceSession[] | null): string {
  const alert = notice ? `<p role="alert">${escapeHtml(notice)}</p>` : '';
  if (!viewer) return page('Not signed in', `${alert}<p><a href="/login">Sign in with Baton</a></p>`);
  const rows: Array<[string, string | undefined]> = [
    ['Name', viewer.name],
    ['Email', viewer.email],
    ['Subject', viewer.sub],
    ['Baton session', viewer.sid],
    ['Token issued to', viewer.clientId],
  ];
  const how =
    viewer.via === 'session'
      ? `<p id="via">Signed in with this web app's own session (authorization code flow).</p>
<form method="post" action="/refresh"><button type="submit">Refresh tokens</button></form>
<p><a href="/logout">Sign out</a></p>`
      : `<p id="via">Signed in by the access token on this request (Authorization: Bearer). This web app has no session of its own: the next page needs the token again.</p>`;
  return page(
    `Signed in as ${viewer.name ?? viewer.email ?? viewer.sub}`,
    `${alert}
<dl>${rows
      .filter(([, v]) => v)
      .map(([name, value]) => `<dt>${escapeHtml(name)}</dt><dd>${escapeHtml(value)}</dd>`)
      .join('')}</dl>
${devicesSection(devices)}
${how}`,
  );
}

/** A sign-in that came back with an error (`login_required` after `prompt=none`, say) or failed its checks. */
export function errorPage(error: string, description: string | undefined): string {
  return page(
    'Sign-in did not complete',
    `<p role="alert"><strong id="error">${escapeHtml(error)}</strong> ${escapeHtml(description)}</p><p><a href="/login">Try again</a></p>`,
  );
}
