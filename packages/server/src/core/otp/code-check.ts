import type { AttemptLimiter, AttemptSubject } from '../abuse/attempt-limiter.js';
import type { AuditLog } from '../audit/audit-log.js';
import { BatonError } from '../errors.js';
import type { App, RequestContext } from '../model.js';
import type { OneTimeCodes } from './one-time-codes.js';

export interface CodeAttempt {
  app: App;
  subject: AttemptSubject;
  userId: string | null;
  flowId: string;
  code: string | undefined;
  context: RequestContext;
  /** Names the flow in audit events (`<flow>.code_failed`). */
  flow: 'sign_in' | 'sign_up' | 'password_reset' | 'mfa' | 'registration';
}

/**
 * A code attempt in any flow: refused while the account or IP is locked out, counted when
 * wrong (`invalid_oob_value`, the continuation token stays usable for a retry), and
 * returning the address the code was sent to when right.
 */
export class CodeCheck {
  constructor(
    private readonly codes: OneTimeCodes,
    private readonly limiter: AttemptLimiter,
    private readonly audit: AuditLog,
  ) {}

  async require(a: CodeAttempt): Promise<string> {
    let verified: Awaited<ReturnType<OneTimeCodes['verify']>> | undefined;
    const { succeeded, lockedNow } = await this.limiter.attempt(a.subject, async () => {
      verified = await this.codes.verify(a.flowId, a.code);
      return verified.result === 'accepted' && verified.target !== undefined;
    });
    const { result, target } = verified!;
    if (succeeded && target) return target;
    await this.audit.record(
      {
        tenantId: a.subject.tenantId,
        type: lockedNow ? 'account.locked' : `${a.flow}.code_failed`,
        userId: a.userId,
        clientId: a.app.clientId,
        data: { reason: result },
      },
      a.context,
    );
    throw new BatonError(
      'invalid_code',
      result === 'expired' ? 'The code has expired; ask for a new one' : 'The code is wrong or no longer valid',
    );
  }
}
