import type { Clock } from '../clock.js';
import type { AuditLog } from '../audit/audit-log.js';
import { BatonError } from '../errors.js';
import type { AdminCaller } from '../audit/admin-caller.js';
import type { Tenant } from '../model.js';
import type { CountryLookup, Repositories } from '../ports.js';
import { CompiledPolicy, type PolicyDecision } from './compiled-policy.js';
import {
  type EvaluationPoint,
  evaluationPoints,
  invalidPolicy,
  readPolicyDocument,
  type PolicyDocument,
} from './policy-document.js';
import { policyFacts } from './policy-facts.js';
import type { PolicyFacts } from './policy-language.js';

/** How long an instance trusts the version it has before asking the database again: a new version is in force everywhere within this, plus a request. */
export const policyFreshnessMs = 1000;

/** A request that did not happen, for `what-if`: what an operator can say about it. */
export interface HypotheticalRequest {
  email: string;
  clientId: string;
  at: EvaluationPoint;
  ip?: string;
  deviceKind?: string;
  platform?: string;
  amr?: string[];
}

export interface WhatIfAnswer extends PolicyDecision {
  /** The version evaluated; 0 for a document given in place of the one in force. */
  version: number;
  facts: PolicyFacts;
}

/**
 * The tenants' conditional-access documents: set (each a new version, refused whole when
 * a rule does not compile, so the version in force stays), shown, and kept compiled per
 * instance, each version compiled once.
 */
export class PolicyService {
  private readonly inForceByTenant = new Map<string, { policy: CompiledPolicy; checkedAt: number }>();

  constructor(
    private readonly repos: Repositories,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly countries: CountryLookup,
  ) {}

  /** Checks and compiles `input` (parsed JSON) and makes it the tenant's next version. */
  async set(tenant: Tenant, input: unknown, caller: AdminCaller): Promise<{ version: number }> {
    const document = readPolicyDocument(input);
    CompiledPolicy.compile(document, 0);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const version = (await this.repos.policies.latestVersion(tenant.id)) + 1;
      const added = await this.repos.policies.add(tenant.id, {
        version,
        document,
        createdAt: this.clock.now(),
        createdBy: caller.actor,
      });
      if (added) {
        this.inForceByTenant.delete(tenant.id);
        await this.audit.recordAdmin(
          { tenantId: tenant.id, type: 'policy.set', data: { version, rules: document.rules.length } },
          caller,
        );
        return { version };
      }
    }
    throw new BatonError('service_busy', 'Other policy changes of this tenant keep winning; try again', {
      retryAfter: 1,
    });
  }

  /** The version in force and its document; version 0 and no rules when none was ever set. */
  async show(
    tenant: Tenant,
  ): Promise<{ version: number; document: PolicyDocument; createdAt: number | null; createdBy: string | null }> {
    const stored = await this.repos.policies.latest(tenant.id);
    return stored
      ? { version: stored.version, document: stored.document, createdAt: stored.createdAt, createdBy: stored.createdBy }
      : { version: 0, document: { rules: [] }, createdAt: null, createdBy: null };
  }

  /**
   * The tenant's policy as every evaluation uses it: compiled once per version, and the
   * version checked against the database at most once per `policyFreshnessMs`.
   */
  async inForce(tenantId: string): Promise<CompiledPolicy> {
    const now = this.clock.now();
    const kept = this.inForceByTenant.get(tenantId);
    if (kept && now - kept.checkedAt < policyFreshnessMs) return kept.policy;
    let policy = kept?.policy ?? CompiledPolicy.none;
    const version = await this.repos.policies.latestVersion(tenantId);
    if (version !== policy.version) {
      const stored = await this.repos.policies.latest(tenantId);
      policy = stored ? CompiledPolicy.compile(stored.document, stored.version) : CompiledPolicy.none;
    }
    this.inForceByTenant.set(tenantId, { policy, checkedAt: now });
    return policy;
  }

  /**
   * What the version in force (or `document`, parsed JSON, when given) would decide for a
   * request that did not happen: the facts are the user's and the app's as stored, the
   * rest as `request` says (a new session, one hour of failed sign-ins from the audit trail).
   */
  async whatIf(tenant: Tenant, request: HypotheticalRequest, document?: unknown): Promise<WhatIfAnswer> {
    if (!(evaluationPoints as readonly string[]).includes(request.at))
      throw invalidPolicy('at', `must be one of ${evaluationPoints.join(', ')}`);
    const policy =
      document === undefined ? await this.inForce(tenant.id) : CompiledPolicy.compile(readPolicyDocument(document), 0);
    const user = await this.repos.users.findByEmail(tenant.id, request.email);
    if (!user) throw new BatonError('user_not_found', `No account with the email ${request.email}`);
    const app = await this.repos.apps.find(tenant.id, request.clientId);
    if (!app) throw new BatonError('unknown_client', `No app ${request.clientId} in tenant ${tenant.name}`);
    const now = this.clock.now();
    const facts = await policyFacts(
      request.at,
      {
        tenantId: tenant.id,
        app,
        user,
        device: { kind: request.deviceKind ?? 'primary', platform: request.platform ?? '', new: false },
        session: { amr: request.amr ?? ['pwd'], authTime: now, dpopBound: false, handedOff: false },
        ip: request.ip ?? null,
      },
      { countries: this.countries, audit: this.repos.audit, now },
      true,
    );
    return { version: policy.version, ...policy.evaluate(request.at, facts), facts };
  }
}
