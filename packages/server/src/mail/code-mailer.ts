import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { Mailer } from '../core/ports.js';
import { renderCodeMessage } from './code-message.js';
import { renderMethodAddedNotice } from './method-added-notice.js';
import type { RenderedMail } from './rendered-mail.js';
import { smtpFailure } from './smtp-failure.js';

/**
 * SMTP delivery of codes and notices when `BATON_SMTP_URL` is set. Without it (development
 * only; production refuses to start) they are written to the log so a developer can sign in.
 */
export function createCodeMailer(options: { smtpUrl: string | undefined; mailFrom: string }, logger: Logger): Mailer {
  if (!options.smtpUrl) {
    return {
      async sendCode(m) {
        logger.info(
          { to: m.to, purpose: m.purpose, code: m.code },
          `One-time code for ${m.to}: ${m.code} (no BATON_SMTP_URL set, so it is logged instead of mailed)`,
        );
      },
      async sendMethodAdded(n) {
        logger.info(
          { to: n.to, method: n.method },
          `Notice for ${n.to}: ${n.method} was added as a verification method (no BATON_SMTP_URL set, so it is logged instead of mailed)`,
        );
      },
    };
  }
  const transport = nodemailer.createTransport(options.smtpUrl);
  const send = async (to: string, { subject, text, html, senderName }: RenderedMail) => {
    try {
      await transport.sendMail({
        from: senderName ? { name: senderName, address: options.mailFrom } : options.mailFrom,
        to,
        subject,
        text,
        html,
      });
    } catch (error) {
      throw smtpFailure(error);
    }
  };
  return {
    sendCode: (m) => send(m.to, renderCodeMessage(m)),
    sendMethodAdded: (n) => send(n.to, renderMethodAddedNotice(n)),
  };
}
