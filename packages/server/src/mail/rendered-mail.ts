/** A message ready to send: its subject, plain-text and HTML bodies, and the sender's display name. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
  senderName: string | undefined;
}

export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
