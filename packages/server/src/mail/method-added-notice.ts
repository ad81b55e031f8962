import type { MethodAddedNotice } from '../core/ports.js';
import { senderNameShown } from '../core/otp/code-text.js';
import { escapeHtml, type RenderedMail } from './rendered-mail.js';

/** Six or more digits in a row: what a reader (or a mail client) could take for a one-time code. */
const codeLike = /\d{6,}/g;

/**
 * The notice mailed to an account's sign-in address when another address was registered
 * as its second factor. It carries no code, and nothing that looks like one: a tenant name
 * with six digits in a row is left out (as in code mails), and so are such runs in the
 * masked address, so the notice cannot be mistaken for a code mail or confuse one.
 */
export function renderMethodAddedNotice(n: MethodAddedNotice): RenderedMail {
  const senderName = senderNameShown(n.senderName);
  const method = n.method.replace(codeLike, '***');
  const account = senderName ? `your ${senderName} account` : 'your account';
  const subject = 'A verification method was added to your account';
  const warning =
    'If you did not add it, someone knows your password: reset your password now, and ask support to remove the method.';
  const text = [
    `${method} was added as a verification method for ${account}.`,
    'Codes to confirm sign-ins can now be sent to it.',
    '',
    warning,
    ...(senderName ? ['', senderName] : []),
  ].join('\n');
  const html = `<!doctype html><html><body style="font-family: sans-serif; color: black">
<p>${escapeHtml(method)} was added as a verification method for ${escapeHtml(account)}.</p>
<p>Codes to confirm sign-ins can now be sent to it.</p>
<p style="font-weight: bold">${escapeHtml(warning)}</p>
${senderName ? `<p>${escapeHtml(senderName)}</p>\n` : ''}</body></html>`;
  return { subject, text, html, senderName };
}
