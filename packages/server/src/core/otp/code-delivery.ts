/**
 * What a CodeMailer throws when a code could not be handed over, so the domain can tell
 * the user's input from a system that is down. Any other error is a fault of Baton's own.
 */

/** The mail server refuses the address for good (SMTP 5xx to `RCPT TO`): the address is the user's input to fix. */
export class AddressRefused extends Error {
  override name = 'AddressRefused';
}

/** The mail server cannot take the message now (down, unreachable, SMTP 4xx): worth trying again later. */
export class MailUnavailable extends Error {
  override name = 'MailUnavailable';
}
