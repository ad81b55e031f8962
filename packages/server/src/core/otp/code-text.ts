import type { CodeMessage } from '../ports.js';

/**
 * The tenant name a message may show: left out when it holds six digits in a row
 * (`shop-123456`), so no message from Baton, mail or text, carries a number a reader or a
 * client could take for a one-time code other than the code itself.
 */
export const senderNameShown = (name: string): string | undefined => (/\d{6}/.test(name) ? undefined : name);

/**
 * A one-time code as a text message: short (one SMS segment for a usual tenant name), the
 * code first so a phone's notification shows it, and nothing else a reader could mistake
 * for it. It says nothing of the purpose: a text is read on a lock screen.
 */
export function codeText(m: CodeMessage): string {
  const senderName = senderNameShown(m.senderName);
  return `${m.code} is your ${senderName ? `${senderName} ` : ''}verification code. It expires in ${m.expiresInMinutes} minutes.`;
}
