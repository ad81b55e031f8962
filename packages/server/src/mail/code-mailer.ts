import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { CodeMailer } from '../core/ports.js';
import { renderCodeMessage } from './code-message.js';
import { smtpFailure } from './smtp-failure.js';

/**
 * SMTP delivery when `BATON_SMTP_URL` is set. Without it (development only; production
 * refuses to start) the code is written to the log so a developer can sign in.
 */
export function createCodeMailer(options: { smtpUrl: string | undefined; mailFrom: string }, logger: Logger): CodeMailer {
  if (!options.smtpUrl) {
    return {
      async sendCode(m) {
        logger.info({ to: m.to, purpose: m.purpose, code: m.code }, `One-time code for ${m.to}: ${m.code} (no BATON_SMTP_URL set, so it is logged instead of mailed)`);
      },
    };
  }
  const transport = nodemailer.createTransport(options.smtpUrl);
  return {
    async sendCode(m) {
      const { subject, text, html, senderName } = renderCodeMessage(m);
      try {
        await transport.sendMail({ from: senderName ? { name: senderName, address: options.mailFrom } : options.mailFrom, to: m.to, subject, text, html });
      } catch (error) {
        throw smtpFailure(error);
      }
    },
  };
}
