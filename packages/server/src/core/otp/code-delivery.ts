/**
 * What a CodeMailer or SmsSender throws when a code could not be handed over, so the domain can tell
 * the user's input from a system that is down. Any other error is a fault of Baton's own.
 */

/**
 * The mail server (SMTP 5xx to `RCPT TO`) or the SMS gateway (422) refuses the address or
 * number for good: it is the user's input to fix.
 */
export class AddressRefused extends Error {
  override name = 'AddressRefused';
}

/** The mail server cannot take the message now (down, unreachable, SMTP 4xx): worth trying again later. */
export class MailUnavailable extends Error {
  override name = 'MailUnavailable';
}

/** The SMS gateway cannot take the message now (unreachable, too slow, any answer but 2xx or 422): worth trying again later. */
export class SmsUnavailable extends Error {
  override name = 'SmsUnavailable';
}
