import type { CodeMessage, Mailer, MethodAddedNotice } from '../ports.js';

/** A code of the same length as `code` that is not it: a wrong guess. */
export const wrongCode = (code: string): string => `${(Number(code[0]) + 1) % 10}${code.slice(1)}`;

/** A mailer that keeps what it is given, so a test can read the code a flow sent. */
export class MailOutbox implements Mailer {
  readonly codes: CodeMessage[] = [];
  readonly notices: MethodAddedNotice[] = [];

  async sendCode(message: CodeMessage): Promise<void> {
    this.codes.push(message);
  }

  async sendMethodAdded(notice: MethodAddedNotice): Promise<void> {
    this.notices.push(notice);
  }

  /** The code last sent to `address`; throws when none was. */
  lastCodeTo(address: string): string {
    const message = this.codes.findLast((sent) => sent.to === address);
    if (!message) throw new Error(`No code was sent to ${address}`);
    return message.code;
  }
}
