/** A message ready to send: its subject, plain-text and HTML bodies, and the sender's display name. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
  senderName: string | undefined;
}

export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The tenant name a message may show: left out when it holds six digits in a row
 * (`shop-123456`), so no mail from Baton carries a number a reader or a mail client could
 * take for a one-time code other than the code itself.
 */
export const senderNameShown = (name: string): string | undefined => (/\d{6}/.test(name) ? undefined : name);
