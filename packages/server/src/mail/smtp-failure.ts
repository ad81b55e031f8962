import { AddressRefused, MailUnavailable } from '../core/otp/code-delivery.js';

/** nodemailer's codes for a mail server that could not be reached or talked to. */
const unreachable = new Set(['ECONNECTION', 'ESOCKET', 'ETIMEDOUT', 'EDNS', 'ECONNREFUSED', 'ECONNRESET']);

/**
 * A nodemailer failure in the domain's terms: a permanent refusal of the recipient is
 * `AddressRefused`; a server that is down or answers 4xx is `MailUnavailable`; anything
 * else (bad credentials, a refused sender or message) is the operator's to fix, kept as is.
 */
export function smtpFailure(error: unknown): unknown {
  const e = error as { code?: unknown; responseCode?: unknown; command?: unknown; message?: unknown } | null;
  if (typeof e !== 'object' || e === null) return error;
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : 0;
  const message = typeof e.message === 'string' ? e.message : 'mail not sent';
  if (e.command === 'RCPT TO' && responseCode >= 500) return new AddressRefused(message, { cause: error });
  if ((responseCode >= 400 && responseCode < 500) || (typeof e.code === 'string' && unreachable.has(e.code)))
    return new MailUnavailable(message, { cause: error });
  return error;
}
