import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import { BatonError } from '../errors.js';
import type { App, RequestContext, Session } from '../model.js';
import { type CountryLookup, noTelemetry, type Repositories, type Telemetry } from '../ports.js';
import { allowed, type PolicyDecision } from './compiled-policy.js';
import type { EvaluationPoint } from './policy-document.js';
import { policyFacts, type PolicySubject } from './policy-facts.js';
import type { PolicyService } from './policy-service.js';

/** The name the app's own MFA requirement (`--require-mfa`) goes by among the rules of a decision. */
export const appMfaRule = 'app:require_mfa';

/**
 * Whether a session, however it was signed in, meets the app's built-in rule: an app created
 * with `--require-mfa` takes only a session whose sign-in included a second factor, so a
 * password-only sign-in at one app cannot open a session at another that demands more (a
 * handoff, a web view, the hosted pages' SSO).
 */
export function meetsAppRule(app: Pick<App, 'requireMfa'>, session: Pick<Session, 'amr'>): boolean {
  return !app.requireMfa || session.amr.includes('mfa');
}

/**
 * The app's `--require-mfa`, a built-in rule of every decision: a session of such an app
 * needs a second factor, whatever the tenant's document says. Its flows have audited it
 * (`mfa.required`) since before policies, so it adds no `policy.*` event.
 */
export function withAppRule(decision: PolicyDecision, subject: Pick<PolicySubject, 'app' | 'session'>): PolicyDecision {
  if (meetsAppRule(subject.app, subject.session) || decision.decision === 'block') return decision;
  return { ...decision, decision: 'require_mfa', rules: [...decision.rules, appMfaRule] };
}

/**
 * Where every way into a session and every way it goes on meets the tenant's policy: the
 * facts computed once, the version in force evaluated, the outcome audited. A tenant
 * without rules at the point costs one cached lookup.
 */
export class PolicyGate {
  constructor(
    private readonly policies: PolicyService,
    private readonly repos: Repositories,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly countries: CountryLookup,
    private readonly telemetry: Telemetry = noTelemetry,
  ) {}

  /**
   * The decision for `subject` at `point`, audited: `policy.blocked` and `policy.mfa_required`
   * name the rules behind them, `policy.report_only` the report-only rules that matched. A
   * block is thrown (`policy_blocked`) and revokes nothing; `require_mfa` is returned, for
   * the point to turn into its own step.
   */
  async decide(
    point: EvaluationPoint,
    subject: PolicySubject,
    context: RequestContext | undefined,
    sessionId: string | null = null,
  ): Promise<PolicyDecision> {
    const policy = await this.policies.inForce(subject.tenantId);
    if (!policy.appliesAt(point)) return withAppRule(allowed(), subject);
    const now = this.clock.now();
    const facts = await policyFacts(
      point,
      subject,
      { countries: this.countries, audit: this.repos.audit, now },
      policy.readsRiskAt(point),
    );
    const started = performance.now();
    const decision = policy.evaluate(point, facts);
    this.telemetry.policyEvaluated(point, (performance.now() - started) / 1000);
    const event = {
      tenantId: subject.tenantId,
      userId: subject.user.id,
      clientId: subject.app.clientId,
      sessionId,
    };
    const data = { at: point, version: policy.version, failed: decision.failed };
    if (decision.reportOnly.length > 0)
      await this.audit.record(
        { ...event, type: 'policy.report_only', data: { ...data, rules: decision.reportOnly } },
        context,
      );
    if (decision.decision === 'block') {
      await this.audit.record({ ...event, type: 'policy.blocked', data: { ...data, rules: decision.rules } }, context);
      throw new BatonError('policy_blocked', "Access has been blocked by the tenant's conditional-access policy");
    }
    if (decision.decision === 'require_mfa')
      await this.audit.record(
        { ...event, type: 'policy.mfa_required', data: { ...data, rules: decision.rules } },
        context,
      );
    return withAppRule(decision, subject);
  }

  /**
   * `decide` where a second factor cannot be asked for in place (a refresh, a session
   * transfer, a web sign-in without the pages): a session that lacks one it needs is
   * `policy_requires_mfa` (interaction_required), and the app must sign the user in again.
   * At `session_transfer`, `forbid_session_transfer` refuses the handoff, at either end.
   */
  async enforce(
    point: EvaluationPoint,
    subject: PolicySubject,
    context: RequestContext | undefined,
    sessionId: string | null = null,
  ): Promise<PolicyDecision['limits']> {
    const decision = await this.decide(point, subject, context, sessionId);
    if (decision.decision === 'require_mfa')
      throw new BatonError(
        'policy_requires_mfa',
        "The tenant's conditional-access policy asks for a second factor this session lacks: sign in again",
      );
    if (point === 'session_transfer' && decision.limits.forbidSessionTransfer)
      throw new BatonError(
        'transfer_not_allowed',
        "The tenant's conditional-access policy does not let this session be handed off",
      );
    return decision.limits;
  }
}
