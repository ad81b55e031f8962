import type { Clock } from '../clock.js';
import type { AuditEvent, RequestContext } from '../model.js';
import { noTelemetry, type AuditRepository, type Telemetry } from '../ports.js';
import { deleteInBatches } from '../retention/delete-in-batches.js';

export type AuditInput = Omit<AuditEvent, 'createdAt' | 'ip' | 'userAgent' | 'correlationId'>;

/** Records who did what, when, from where: one line per security-relevant event. */
export class AuditLog {
  constructor(
    private readonly events: AuditRepository,
    private readonly clock: Clock,
    private readonly telemetry: Telemetry = noTelemetry,
  ) {}

  record(event: AuditInput, context?: RequestContext): Promise<void> {
    this.telemetry.count(event.type);
    return this.events.record({
      ...event,
      ip: context?.ip ?? null,
      userAgent: context?.userAgent ?? null,
      correlationId: context?.correlationId ?? null,
      createdAt: this.clock.now(),
    });
  }

  /** The tenant's latest events, newest first, optionally of one type or one user. */
  list(filter: Parameters<AuditRepository['list']>[0]): ReturnType<AuditRepository['list']> {
    return this.events.list(filter);
  }

  /**
   * Deletes the events recorded before `before` (of one tenant, or of every tenant), a
   * thousand at a time so that serving never waits long; returns how many.
   */
  prune(before: number, tenantId?: string): Promise<number> {
    return deleteInBatches((size) => this.events.deleteBefore(before, size, tenantId), 1000);
  }
}
