import { html, type SafeHtml } from '../web/html.js';

export interface InputOptions {
  name: string;
  label: string;
  value?: string | undefined;
  type?: 'text' | 'password' | 'email' | 'search' | 'datetime-local';
  required?: boolean;
  hint?: string;
  autocomplete?: string;
}

/** A labelled input (its hint tied to it with aria-describedby). */
export function input(o: InputOptions): SafeHtml {
  return html`<div class="field"><label for="${o.name}">${o.label}</label>
<input id="${o.name}" name="${o.name}" type="${o.type ?? 'text'}"${o.value ? html` value="${o.value}"` : ''}${o.required ? ' required' : ''}${o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ''}${o.hint ? html` aria-describedby="${o.name}-hint"` : ''}>
${o.hint ? html`<p class="hint" id="${o.name}-hint">${o.hint}</p>` : ''}</div>`;
}

/** A labelled checkbox that sends `true` when ticked. */
export function checkbox(name: string, label: string, checked: boolean): SafeHtml {
  return html`<div class="field check"><input id="${name}" name="${name}" type="checkbox" value="true"${checked ? ' checked' : ''}><label for="${name}">${label}</label></div>`;
}

/** A labelled drop-down. */
export function select(
  name: string,
  label: string,
  options: Array<[value: string, label: string]>,
  value: string,
): SafeHtml {
  return html`<div class="field"><label for="${name}">${label}</label>
<select id="${name}" name="${name}">${options.map(([v, l]) => html`<option value="${v}"${v === value ? ' selected' : ''}>${l}</option>`)}</select></div>`;
}

/** A form posting to `action` with the CSRF token and `fields`. */
export function postForm(
  action: string,
  csrf: string,
  fields: SafeHtml | SafeHtml[] | string,
  submit: SafeHtml,
): SafeHtml {
  return html`<form method="post" action="${action}"><input type="hidden" name="csrf" value="${csrf}">${fields}${submit}</form>`;
}

/** A form that is one button (revoke, rotate, sign out everywhere), `label` its accessible name when the text alone is ambiguous. */
export function buttonForm(
  action: string,
  csrf: string,
  text: string,
  options: { danger?: boolean; label?: string; hidden?: Record<string, string> } = {},
): SafeHtml {
  const hidden = Object.entries(options.hidden ?? {}).map(
    ([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`,
  );
  return postForm(
    action,
    csrf,
    hidden,
    html`<button type="submit"${options.danger ? ' class="danger"' : ''}${options.label ? html` aria-label="${options.label}"` : ''}>${text}</button>`,
  );
}
