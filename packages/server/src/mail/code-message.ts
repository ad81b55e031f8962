import type { CodeMessage, CodePurpose } from '../core/ports.js';
import { senderNameShown } from '../core/otp/code-text.js';
import { escapeHtml, type RenderedMail } from './rendered-mail.js';

const actions: Record<CodePurpose, string> = {
  'sign-up': 'finish creating your account',
  'sign-in': 'sign in',
  'reset-password': 'reset your password',
  mfa: 'confirm it is you',
  register: 'add this address as a verification method',
};

/**
 * The message carrying a one-time code, as plain text and HTML, and the sender's name. The
 * code must be the only run of 6-8 digits in it (mail clients and tests pick it out), so
 * the template holds no other long number (colours are named, not hex), and a tenant name
 * with six digits in a row (`shop-123456`) is left out of the message altogether.
 */
export function renderCodeMessage(m: CodeMessage): RenderedMail {
  const action = actions[m.purpose];
  const senderName = senderNameShown(m.senderName);
  const subject = senderName ? `Your ${senderName} verification code` : 'Your verification code';
  const text = [
    `Use this code to ${action}:`,
    '',
    `    ${m.code}`,
    '',
    `It expires in ${m.expiresInMinutes} minutes and works once.`,
    `If you did not ask for it, ignore this message: nobody can use it without access to this mailbox.`,
    ...(senderName ? ['', senderName] : []),
  ].join('\n');
  const html = `<!doctype html><html><body style="font-family: sans-serif; color: black">
<p>Use this code to ${escapeHtml(action)}:</p>
<p style="font-size: x-large; font-weight: bold; letter-spacing: 0.2em">${escapeHtml(m.code)}</p>
<p>It expires in ${m.expiresInMinutes} minutes and works once.</p>
<p style="color: gray">If you did not ask for it, ignore this message: nobody can use it without access to this mailbox.</p>
${senderName ? `<p>${escapeHtml(senderName)}</p>\n` : ''}</body></html>`;
  return { subject, text, html, senderName };
}
