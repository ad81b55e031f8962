import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
}

/**
 * A local SMTP server that keeps every message, so tests read one-time codes the way a
 * user would: from the mail.
 */
export interface MailSink {
  url: string;
  messages: ReceivedMail[];
  /** The newest message to `address` arriving after `since` messages, waiting for it if needed. */
  next(address: string, options?: { timeoutMs?: number }): Promise<ReceivedMail>;
  /** The one-time code in the next message to `address`: the only 6-8 digit number in it. */
  nextCode(address: string): Promise<string>;
  /**
   * Makes the server answer `RCPT TO:<address>` with `responseCode` (a 5xx refuses the
   * address for good, a 4xx for now) until `accept(address)`.
   */
  refuse(address: string, responseCode: number): void;
  accept(address: string): void;
  close(): Promise<void>;
}

export async function startMailSink(): Promise<MailSink> {
  const messages: ReceivedMail[] = [];
  const seen = new Map<string, number>();
  const waiters: Array<() => void> = [];
  const refused = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const responseCode = refused.get(address.address.toLowerCase());
      if (responseCode === undefined) return callback();
      callback(
        Object.assign(
          new Error(responseCode >= 500 ? 'Recipient address rejected' : 'Mailbox temporarily unavailable'),
          { responseCode },
        ),
      );
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then((mail: ParsedMail) => {
        const to = (Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : []).flatMap((a) =>
          a.value.map((v) => (v.address ?? '').toLowerCase()),
        );
        messages.push({
          to,
          from: mail.from?.text ?? '',
          subject: mail.subject ?? '',
          text: mail.text ?? '',
          html: typeof mail.html === 'string' ? mail.html : '',
        });
        for (const wake of waiters.splice(0)) wake();
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as { port: number };

  const next = async (address: string, { timeoutMs = 5000 } = {}) => {
    const key = address.toLowerCase();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const mine = messages.filter((m) => m.to.includes(key));
      const index = seen.get(key) ?? 0;
      if (mine.length > index) {
        seen.set(key, mine.length);
        return mine[mine.length - 1]!;
      }
      if (Date.now() > deadline) throw new Error(`No mail to ${address} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  };

  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    next,
    async nextCode(address) {
      const mail = await next(address);
      const codes = mail.text.match(/\b\d{6,8}\b/g) ?? [];
      if (codes.length !== 1)
        throw new Error(`Expected exactly one 6-8 digit number in the mail to ${address}, found ${codes.length}`);
      return codes[0]!;
    },
    refuse: (address, responseCode) => void refused.set(address.toLowerCase(), responseCode),
    accept: (address) => void refused.delete(address.toLowerCase()),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
