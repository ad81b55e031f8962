import type { Tenant } from '../../core/model.js';
import { html, type SafeHtml } from './html.js';

/** What a page shows of its tenant; an unknown tenant's error page uses Baton's own. */
export type PageTenant = Pick<Tenant, 'displayName' | 'theme'>;

export interface PageOptions {
  tenant: PageTenant;
  title: string;
  /** Per-response CSP nonce for the theme's style element. */
  nonce: string;
  /** A page with more to show than a form (the account page's device tree and sign-ins). */
  wide?: boolean;
}

const defaultColor = '#2f5fd0';

/** The frame of every hosted page: the tenant's name, logo and colour, one main landmark. */
export function layout({ tenant, title, nonce, wide }: PageOptions, body: SafeHtml): string {
  const color = tenant.theme.color ?? defaultColor;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · ${tenant.displayName}</title>
<link rel="stylesheet" href="/assets/baton.css">
<style nonce="${nonce}">:root { --accent: ${color}; }</style>
</head>
<body>
<main class="card${wide ? ' wide' : ''}">
<header>
${tenant.theme.logoUrl ? html`<img class="logo" src="${tenant.theme.logoUrl}" alt="${tenant.displayName}">` : html`<p class="brand">${tenant.displayName}</p>`}
<h1>${title}</h1>
</header>
${body}
</main>
</body>
</html>`.value;
}

/** The stylesheet of the hosted pages: small, readable, high contrast, no external fonts. */
export const stylesheet = `
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:#f3f4f6;color:#111827;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
.card{width:100%;max-width:24rem;margin:1rem;padding:2rem;background:#fff;border-radius:.75rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}
.brand{margin:0;font-weight:600;color:var(--accent)}
.logo{max-height:3rem;max-width:100%}
h1{font-size:1.5rem;margin:.5rem 0 1.5rem}
label{display:block;font-weight:600;margin-bottom:.25rem}
input{width:100%;padding:.625rem .75rem;border:1px solid #9ca3af;border-radius:.375rem;font:inherit}
input:focus{outline:3px solid var(--accent);outline-offset:1px;border-color:var(--accent)}
input[aria-invalid=true]{border-color:#b91c1c}
.field{margin-bottom:1rem}
fieldset{border:0;padding:0;margin:0 0 1rem}
legend{font-weight:600;padding:0;margin-bottom:.5rem}
.check{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem}
.check input{width:auto;margin:0}
.check label{margin:0;font-weight:400}
.check p{flex-basis:100%}
.hint{font-size:.875rem;color:#4b5563;margin:.25rem 0 0}
.error{font-size:.875rem;color:#b91c1c;margin:.25rem 0 0}
.alert{padding:.75rem;border-radius:.375rem;background:#fef2f2;color:#991b1b;margin-bottom:1rem}
button{width:100%;padding:.625rem;border:0;border-radius:.375rem;background:var(--accent);color:#fff;font:inherit;font-weight:600;cursor:pointer}
button:focus{outline:3px solid #111827;outline-offset:2px}
.links{display:flex;gap:1rem;justify-content:space-between;margin-top:1rem}
.links form{display:inline}
.link{background:none;color:var(--accent);padding:0;width:auto;font-weight:400;text-decoration:underline}
.card.wide{max-width:46rem}
h2{font-size:1.125rem;margin:1.75rem 0 .5rem}
a{color:var(--accent)}
a:focus{outline:3px solid #111827;outline-offset:2px}
.notice{padding:.75rem;border-radius:.375rem;background:#ecfdf5;color:#065f46}
.notice.warning{background:#fffbeb;color:#92400e}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
.tree,.tree ul{list-style:none;margin:0;padding:0}
.tree ul{margin-left:1rem;padding-left:1rem;border-left:2px solid #d1d5db}
.session{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.5rem;padding:.625rem .75rem;margin:.5rem 0;border:1px solid #e5e7eb;border-radius:.5rem}
.session.current{border:2px solid var(--accent)}
.session p{margin:0}
.session>div{flex:1 1 16rem}
.badge{margin-left:.5rem;padding:.125rem .5rem;border-radius:1rem;background:var(--accent);color:#fff;font-size:.75rem;font-weight:600}
button.secondary{width:auto;padding:.375rem .75rem;background:#fff;color:#991b1b;border:1px solid #991b1b;font-weight:400}
table{width:100%;border-collapse:collapse;font-size:.875rem}
th,td{text-align:left;padding:.375rem .5rem;border-bottom:1px solid #e5e7eb;vertical-align:top}
`;
