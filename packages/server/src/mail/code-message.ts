import type { CodeMessage, CodePurpose } from '../core/ports.js';

const actions: Record<CodePurpose, string> = {
  'sign-up': 'finish creating your account',
  'sign-in': 'sign in',
  'reset-password': 'reset your password',
  mfa: 'confirm it is you',
  register: 'add this address as a verification method',
};

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The message carrying a one-time code, as plain text and HTML. The code must be the only
 * run of 6-8 digits in it (mail clients and tests pick it out), so the template holds no
 * other long number: colours are named, not hex.
 */
export function renderCodeMessage(m: CodeMessage): { subject: string; text: string; html: string } {
  const action = actions[m.purpose];
  const subject = `Your ${m.senderName} verification code`;
  const text = [
    `Use this code to ${action}:`,
    '',
    `    ${m.code}`,
    '',
    `It expires in ${m.expiresInMinutes} minutes and works once.`,
    `If you did not ask for it, ignore this message: nobody can use it without access to this mailbox.`,
    '',
    `${m.senderName}`,
  ].join('\n');
  const html = `<!doctype html><html><body style="font-family: sans-serif; color: black">
<p>Use this code to ${escapeHtml(action)}:</p>
<p style="font-size: x-large; font-weight: bold; letter-spacing: 0.2em">${escapeHtml(m.code)}</p>
<p>It expires in ${m.expiresInMinutes} minutes and works once.</p>
<p style="color: gray">If you did not ask for it, ignore this message: nobody can use it without access to this mailbox.</p>
<p>${escapeHtml(m.senderName)}</p>
</body></html>`;
  return { subject, text, html };
}
