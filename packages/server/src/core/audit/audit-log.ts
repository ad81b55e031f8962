import type { Clock } from '../clock.js';
import { assertThat } from '../errors.js';
import type { AuditEvent, RequestContext, Tenant } from '../model.js';
import { pageLimit, pageOf, readCursor, type Page, type PageRequest } from '../paging.js';
import { noTelemetry, type AuditFilter, type AuditRepository, type Telemetry } from '../ports.js';
import { deleteInBatches } from '../retention/delete-in-batches.js';
import type { AdminCaller } from './admin-caller.js';
import { auditEventTypeNames, isAuditEventType, type AuditEventType } from './audit-event-types.js';

export type AuditInput = Omit<AuditEvent, 'type' | 'createdAt' | 'ip' | 'userAgent' | 'correlationId'> & {
  type: AuditEventType;
};

export type ListedAuditEvent = AuditEvent & { id: number };

export interface AuditQuery extends PageRequest {
  /** Only events of this type (one of `auditEventTypes`). */
  type?: string;
  /** Only events about this user (by id). */
  userId?: string;
  /** Only events recorded at or after this time (ms since the epoch). */
  since?: number;
  /** Only events recorded before this time (ms since the epoch). */
  until?: number;
}

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

  /** An administrative change, with who asked for it (`data.actor`) and from where. */
  recordAdmin(event: AuditInput, caller: AdminCaller): Promise<void> {
    return this.record({ ...event, data: { ...event.data, actor: caller.actor } }, caller.context);
  }

  /**
   * A page of the tenant's events, newest first, optionally of one type, one user or a time span; the
   * page's `nextCursor` asks for the events before it. An unknown type is refused, naming
   * the known ones, rather than answered with nothing.
   */
  async page(tenant: Tenant, query: AuditQuery = {}): Promise<Page<ListedAuditEvent>> {
    assertThat(
      query.type === undefined || isAuditEventType(query.type),
      'invalid_setting',
      `Unknown audit event type "${query.type}"; the types are ${auditEventTypeNames.join(', ')}`,
      { setting: 'type' },
    );
    const limit = pageLimit(query);
    // Event ids start at 1: a cursor holding anything else was not given by a page.
    const before = readCursor(query.cursor, (value) =>
      Number.isSafeInteger(value) && (value as number) >= 1 ? (value as number) : null,
    );
    const filter: AuditFilter = { tenantId: tenant.id, limit: limit + 1 };
    if (query.type) filter.type = query.type;
    if (query.userId) filter.userId = query.userId;
    if (query.since !== undefined) filter.since = query.since;
    if (query.until !== undefined) filter.until = query.until;
    if (before !== undefined) filter.beforeId = before;
    const events = await this.events.list(filter);
    return pageOf(events, limit, (event) => event.id);
  }

  /**
   * Deletes the events recorded before `before` (of one tenant, or of every tenant), a
   * thousand at a time so that serving never waits long; returns how many.
   */
  prune(before: number, tenantId?: string): Promise<number> {
    return deleteInBatches((size) => this.events.deleteBefore(before, size, tenantId), 1000);
  }
}
