import type { FastifyReply } from 'fastify';
import { html, type SafeHtml } from '../web/html.js';
import { securePage } from '../web/security.js';
import type { Problem } from './management-api.js';
import { consolePath } from './console-session.js';

/** The screens of one tenant, in the order of its navigation. */
const sections = [
  { id: 'apps', label: 'Apps' },
  { id: 'users', label: 'Users' },
  { id: 'audit', label: 'Audit log' },
  { id: 'policy', label: 'Policy' },
] as const;

export type Section = (typeof sections)[number]['id'];

export interface Frame {
  title: string;
  /** Who is signed in (shown with the sign-out button); absent on the sign-in page. */
  signedIn?: { label: string; csrf: string };
  /** The tenant the page belongs to, and its screen: the tenant's navigation. */
  tenant?: { name: string; section?: Section };
  /** A change that worked. */
  notice?: string | undefined;
  /** What the management API refused. */
  problem?: Problem | undefined;
  status?: number;
}

/**
 * Every console page: the hosted pages' headers (strict CSP, no script, no framing, no
 * caching) and look, wider; a link past the banner for the keyboard, a banner with who is
 * signed in, the tenant's navigation, one main landmark with one h1, and the API's answer
 * (a notice or its problem) first.
 */
export function sendPage(reply: FastifyReply, frame: Frame, body: SafeHtml): FastifyReply {
  securePage(reply);
  return reply.code(frame.status ?? (frame.problem ? frame.problem.status : 200)).send(
    html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${frame.title} · Baton console</title>
<link rel="stylesheet" href="/assets/baton.css">
<link rel="stylesheet" href="${consolePath}/assets/console.css">
</head>
<body>
<a class="skip" href="#main">Skip to the page</a>
<header class="topbar">
<a class="brand" href="${consolePath}/tenants">Baton console</a>
${
  frame.signedIn
    ? html`<div class="who"><span>Signed in as ${frame.signedIn.label}</span>
<form method="post" action="${consolePath}/sign-out"><input type="hidden" name="csrf" value="${frame.signedIn.csrf}"><button type="submit" class="quiet">Sign out</button></form></div>`
    : ''
}
</header>
${frame.tenant ? tenantNav(frame.tenant.name, frame.tenant.section) : ''}
<main class="console" id="main" tabindex="-1">
<h1>${frame.title}</h1>
${frame.notice ? html`<p class="notice" role="status">${frame.notice}</p>` : ''}
${frame.problem ? problemAlert(frame.problem) : ''}
${body}
</main>
</body>
</html>`.value,
  );
}

/** The frame of one of a tenant's screens, for the operator signed in; `more` adds the API's answer. */
export function tenantScreen(
  signedIn: Frame['signedIn'],
  tenant: string,
  section: Section,
  title: string,
  more: Pick<Frame, 'notice' | 'problem'> = {},
): Frame {
  return { title, tenant: { name: tenant, section }, ...(signedIn ? { signedIn } : {}), ...more };
}

function tenantNav(tenant: string, current: Section | undefined): SafeHtml {
  const base = `${consolePath}/tenants/${encodeURIComponent(tenant)}`;
  return html`<nav class="sections" aria-label="Tenant ${tenant}"><ul>
<li><a href="${consolePath}/tenants">Tenants</a></li>
<li><a href="${base}"${current === undefined ? html` aria-current="page"` : ''}>${tenant}</a></li>
${sections.map((s) => html`<li><a href="${base}/${s.id}"${s.id === current ? html` aria-current="page"` : ''}>${s.label}</a></li>`)}
</ul></nav>`;
}

/** A refusal of the API as the operator reads it: its title and status, its detail, the field it names. */
export function problemAlert(problem: Problem): SafeHtml {
  return html`<div class="alert" role="alert">
<p><strong>${problem.title}</strong> (${String(problem.status)})</p>
<p>${problem.detail}</p>
${problem.field && !problem.detail.startsWith(problem.field) ? html`<p>Field: <code>${problem.field}</code></p>` : ''}
</div>`;
}

/** An instant as an operator reads it, to the second, in UTC. */
export function when(iso: string | null): string {
  return iso === null ? '' : `${iso.slice(0, 19).replace('T', ' ')} UTC`;
}

/** The console's additions to the hosted pages' stylesheet: a wide page, tables, the device tree. */
export const consoleStylesheet = `
:root{--accent:#2f5fd0}
body{display:block;min-height:0}
.skip{position:absolute;left:-10000px;top:.5rem;padding:.5rem 1rem;background:#fff;color:#111827;border-radius:.375rem}
.skip:focus{left:1rem;z-index:1}
.topbar{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;justify-content:space-between;padding:.5rem 1.5rem;background:#111827;color:#fff}
.topbar a{color:#fff;font-weight:600;text-decoration:none}
.topbar .who{display:flex;gap:1rem;align-items:center}
.topbar form{display:inline}
.sections{background:#fff;border-bottom:1px solid #e5e7eb;padding:0 1.5rem}
.sections ul{display:flex;flex-wrap:wrap;gap:1.25rem;list-style:none;margin:0;padding:.5rem 0}
.sections a{color:#1f2937}
.sections a[aria-current=page]{font-weight:700;color:var(--accent)}
.console{max-width:68rem;margin:0 auto;padding:1rem 1.5rem 3rem}
.console h1{margin:.5rem 0 1rem}
h2{font-size:1.15rem;margin:0 0 .75rem}
section.panel{background:#fff;border-radius:.75rem;box-shadow:0 1px 3px rgba(0,0,0,.12);padding:1.25rem 1.5rem;margin-bottom:1.25rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #e5e7eb;vertical-align:top}
th{font-weight:600;color:#374151}
code{font-size:.85rem;word-break:break-all}
button{width:auto;padding:.5rem 1rem}
button.quiet{background:#374151}
button.danger{background:#b91c1c}
.row{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start;margin-bottom:1rem}
.row .field{flex:1 1 12rem;margin-bottom:0}
.row>button{margin-top:1.85rem}
.nowrap{white-space:nowrap}
.checks{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;margin-bottom:1rem}
.checks .field{margin:0}
select,textarea{width:100%;padding:.5rem;border:1px solid #9ca3af;border-radius:.375rem;font:inherit}
textarea{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85rem;min-height:16rem}
.notice{padding:.75rem;border-radius:.375rem;background:#ecfdf5;color:#065f46}
.alert p{margin:.25rem 0}
.secret{padding:.75rem;border-radius:.375rem;background:#fef3c7}
.tree,.tree ul{list-style:none;margin:0;padding-left:1.5rem}
.tree{padding-left:0}
.tree li{margin:.5rem 0;padding:.5rem .75rem;border-left:3px solid #d1d5db;background:#f9fafb}
.tree li li{background:#fff}
.tree form{display:inline}
.status-active{color:#065f46;font-weight:600}
.status-revoked,.status-expired{color:#991b1b;font-weight:600}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;margin-top:1rem}
.actions form{display:inline}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}
dt{font-weight:600}
dd{margin:0}
`;

/**
 * The message of a change that worked, after its redirect: the page names it with
 * `?done=<key>`, and only the page's own messages are shown (no text travels in the URL).
 */
export function doneNotice(query: unknown, messages: Record<string, string>): string | undefined {
  const done = (query as { done?: unknown }).done;
  return typeof done === 'string' && Object.hasOwn(messages, done) ? messages[done] : undefined;
}
