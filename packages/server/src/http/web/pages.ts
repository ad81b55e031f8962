import type { Tenant } from '../../core/model.js';
import { html, type SafeHtml } from './html.js';
import { layout, type PageTenant } from './layout.js';

export interface Field {
  name: string;
  label: string;
  /**
   * A checkbox sends `true` when ticked and nothing otherwise; a required one must be
   * ticked. A choice is a group of radio buttons, one per option, the first one chosen.
   */
  type: 'email' | 'password' | 'text' | 'checkbox' | 'choice';
  /** The options of a choice. */
  options?: Array<{ value: string; label: string }>;
  autocomplete?: string;
  value?: string;
  error?: string;
  hint?: string;
  numeric?: boolean;
}

export interface FormPage {
  tenant: Tenant;
  nonce: string;
  title: string;
  action: string;
  /** Hidden state every step carries: the CSRF token, the authorization request, the flow's continuation token. */
  hidden: Record<string, string | undefined>;
  fields: Field[];
  submit: string;
  /** A message about the whole form (not one field). */
  alert?: string;
  intro?: string;
  links?: SafeHtml;
}

/**
 * One accessible form: every input has a label; an error sits next to its field, is tied
 * to it with aria-describedby and takes the focus; a form-wide message is an alert.
 */
export function formPage(p: FormPage): string {
  const focus = p.fields.find((f) => f.error) ?? p.fields[0];
  const fields = p.fields.map((f) => {
    if (f.type === 'choice') return choiceField(f, f === focus);
    const described = [f.hint ? `${f.name}-hint` : '', f.error ? `${f.name}-error` : ''].filter(Boolean).join(' ');
    const label = html`<label for="${f.name}">${f.label}</label>`;
    const input = html`<input id="${f.name}" name="${f.name}" type="${f.type}" required
${f.autocomplete ? html` autocomplete="${f.autocomplete}"` : ''}${f.type === 'checkbox' ? html` value="true"${f.value === 'true' ? ' checked' : ''}` : f.value !== undefined ? html` value="${f.value}"` : ''}${f.numeric ? html` inputmode="numeric" pattern="[0-9]*"` : ''}
${described ? html` aria-describedby="${described}"` : ''}${f.error ? html` aria-invalid="true"` : ''}${f === focus ? html` autofocus` : ''}>`;
    return html`<div class="field${f.type === 'checkbox' ? ' check' : ''}">
${f.type === 'checkbox' ? html`${input}${label}` : html`${label}${input}`}
${f.hint ? html`<p class="hint" id="${f.name}-hint">${f.hint}</p>` : ''}
${f.error ? html`<p class="error" id="${f.name}-error">${f.error}</p>` : ''}
</div>`;
  });
  return layout(
    { tenant: p.tenant, title: p.title, nonce: p.nonce },
    html`
${p.alert ? html`<div class="alert" role="alert">${p.alert}</div>` : ''}
${p.intro ? html`<p>${p.intro}</p>` : ''}
<form method="post" action="${p.action}" novalidate>
${hiddenFields(p.hidden)}
${fields}
<button type="submit">${p.submit}</button>
</form>
${p.links ?? ''}`,
  );
}

/** Radio buttons in a fieldset whose legend is the label, as screen readers expect a choice. */
function choiceField(f: Field, focused: boolean): SafeHtml {
  const options = (f.options ?? []).map(
    (o, i) => html`<div class="field check">
<input id="${f.name}-${String(i)}" name="${f.name}" type="radio" value="${o.value}"${i === 0 ? ' checked' : ''}${i === 0 && focused ? ' autofocus' : ''}>
<label for="${f.name}-${String(i)}">${o.label}</label>
</div>`,
  );
  return html`<fieldset class="field"><legend>${f.label}</legend>
${options}
</fieldset>`;
}

/** A small form that looks like a link: moves to another flow carrying the hidden state. */
export function linkButton(action: string, label: string, hidden: Record<string, string | undefined>): SafeHtml {
  return html`<form method="post" action="${action}">${hiddenFields(hidden)}<button type="submit" class="link">${label}</button></form>`;
}

/**
 * A question with one button (and optionally a second, quieter one): each is its own form,
 * posting `hidden` to its action, so answering needs the CSRF token the page carries.
 */
export function choicePage(p: {
  tenant: PageTenant;
  nonce: string;
  title: string;
  body: SafeHtml;
  confirm: { action: string; label: string; hidden: Record<string, string | undefined> };
  cancel?: { action: string; label: string; hidden: Record<string, string | undefined>; hint: string };
}): string {
  return layout(
    { tenant: p.tenant, title: p.title, nonce: p.nonce },
    html`
${p.body}
<form method="post" action="${p.confirm.action}">${hiddenFields(p.confirm.hidden)}<button type="submit">${p.confirm.label}</button></form>
${p.cancel ? html`<p class="hint">${p.cancel.hint}</p><div class="links">${linkButton(p.cancel.action, p.cancel.label, p.cancel.hidden)}</div>` : ''}`,
  );
}

/** A page with a message and no form (errors that cannot go back to the app, signed out). */
export function messagePage(
  tenant: PageTenant,
  nonce: string,
  title: string,
  message: string,
  role: 'status' | 'alert' = 'status',
): string {
  return layout({ tenant, title, nonce }, html`<p role="${role}">${message}</p>`);
}

/** The hidden inputs of a form. */
export function hiddenFields(hidden: Record<string, string | undefined>): SafeHtml[] {
  return Object.entries(hidden)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`);
}
