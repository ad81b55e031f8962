import { html, type SafeHtml } from './html.js';

const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'always' });

/** How long ago `at` was, as a person says it: "just now", "5 minutes ago", "2 days ago". */
export function ago(at: number, now: number): string {
  const elapsed = Math.max(0, now - at);
  for (const [unit, length] of units)
    if (elapsed >= length) return relative.format(-Math.floor(elapsed / length), unit);
  return 'just now';
}

/** `ago` in a <time> whose datetime a machine reads and whose title gives the exact moment. */
export function timeAgo(at: number, now: number): SafeHtml {
  const iso = new Date(at).toISOString();
  return html`<time datetime="${iso}" title="${iso.slice(0, 16).replace('T', ' ')} UTC">${ago(at, now)}</time>`;
}
