import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { passwordHashing } from '../core/credentials/password-hasher.js';
import type { Telemetry } from '../core/ports.js';

/** Domain events that move a named counter's `outcome`; every audit event also counts by type. */
const outcomes: Record<string, { counter: 'rotations' | 'signIns' | 'transfers'; outcome: string }> = {
  'refresh_token.rotated': { counter: 'rotations', outcome: 'rotated' },
  'refresh_token.retried': { counter: 'rotations', outcome: 'retried' },
  'refresh_token.reuse_detected': { counter: 'rotations', outcome: 'reuse_revoked' },
  'sign_in.succeeded': { counter: 'signIns', outcome: 'succeeded' },
  'sign_in.failed': { counter: 'signIns', outcome: 'failed' },
  'account.locked': { counter: 'signIns', outcome: 'locked' },
  'session_transfer.issued': { counter: 'transfers', outcome: 'issued' },
  'session_transfer.redeemed': { counter: 'transfers', outcome: 'redeemed' },
  'session_transfer.replayed': { counter: 'transfers', outcome: 'replayed' },
};

/** Events the domain counts that are not audited (too frequent): they move only their outcome counter. */
const unaudited = new Set(['refresh_token.rotated', 'refresh_token.retried']);

const secondsBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** A policy's rules take microseconds: a handful of rules a few, hundreds of them a millisecond. */
const policyBuckets = [0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.01];

export interface Metrics {
  registry: Registry;
  /** The domain's counters (core/ports.ts `Telemetry`). */
  telemetry: Telemetry;
  /** One HTTP request: the route's pattern (never its URL), method, status and duration. */
  observeRequest(route: string, method: string, status: number, seconds: number): void;
  /** One repository call (`sessions.rotate`) and how long it took. */
  observeDatabaseCall(call: string, seconds: number): void;
}

/**
 * Baton's Prometheus metrics in a registry of their own (every runtime, and every test
 * server, has its own). Labels are bounded: route patterns, methods, statuses, outcomes,
 * audit event types and repository calls are all fixed sets; no tenant, user or URL.
 */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'baton_' });
  const requests = new Counter({
    name: 'baton_http_requests_total',
    help: 'HTTP requests answered, by route pattern, method and status',
    labelNames: ['route', 'method', 'status'],
    registers: [registry],
  });
  const requestSeconds = new Histogram({
    name: 'baton_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route pattern and method',
    labelNames: ['route', 'method'],
    buckets: secondsBuckets,
    registers: [registry],
  });
  const counters = {
    rotations: new Counter({
      name: 'baton_refresh_rotations_total',
      help: 'Refresh token presentations: rotated, retried inside the window, or reuse that revoked the session',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    signIns: new Counter({
      name: 'baton_sign_ins_total',
      help: 'Sign-ins: succeeded, failed (wrong password or code), or locked out',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    transfers: new Counter({
      name: 'baton_session_transfers_total',
      help: 'Session transfer tokens: issued, redeemed, or replayed',
      labelNames: ['outcome'],
      registers: [registry],
    }),
  };
  const auditEvents = new Counter({
    name: 'baton_audit_events_total',
    help: 'Audit events recorded, by type',
    labelNames: ['type'],
    registers: [registry],
  });
  new Gauge({
    name: 'baton_password_hash_queue_depth',
    help: 'Password hashes waiting for a turn (argon2id runs as many at once as there are cores)',
    registers: [registry],
    collect() {
      this.set(passwordHashing.waiting());
    },
  });
  const databaseSeconds = new Histogram({
    name: 'baton_database_call_duration_seconds',
    help: 'Time a repository call took (tenants and apps may answer from the lookup cache), by repository.method',
    labelNames: ['call'],
    buckets: secondsBuckets,
    registers: [registry],
  });
  const policySeconds = new Histogram({
    name: 'baton_policy_evaluation_seconds',
    help: 'Time the conditional-access rules in force took to evaluate against one request, by point of evaluation',
    labelNames: ['at'],
    buckets: policyBuckets,
    registers: [registry],
  });
  return {
    registry,
    telemetry: {
      count(event) {
        const counted = outcomes[event];
        if (counted) counters[counted.counter].inc({ outcome: counted.outcome });
        if (!unaudited.has(event)) auditEvents.inc({ type: event });
      },
      policyEvaluated(at, seconds) {
        policySeconds.observe({ at }, seconds);
      },
    },
    observeRequest(route, method, status, seconds) {
      requests.inc({ route, method, status });
      requestSeconds.observe({ route, method }, seconds);
    },
    observeDatabaseCall(call, seconds) {
      databaseSeconds.observe({ call }, seconds);
    },
  };
}
