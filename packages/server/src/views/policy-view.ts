import type { PolicyDecision } from '../core/policy/compiled-policy.js';
import type { PolicyService, WhatIfAnswer } from '../core/policy/policy-service.js';

type ShownPolicy = Awaited<ReturnType<PolicyService['show']>>;

/** A tenant's policy as `baton policy show --json` and the management API show it: the version in force and its document. */
export function policyView(policy: ShownPolicy) {
  return {
    version: policy.version,
    document: policy.document,
    created_at: policy.createdAt === null ? null : new Date(policy.createdAt).toISOString(),
    created_by: policy.createdBy,
  };
}

/** A decision as what-if answers it: the outcome, the rules behind it, and the facts it was decided on. */
export function policyDecisionView(answer: WhatIfAnswer) {
  return {
    ...decisionView(answer),
    version: answer.version,
    facts: { ...answer.facts, now: answer.facts.now.toISOString() },
  };
}

function decisionView(decision: PolicyDecision) {
  return {
    decision: decision.decision,
    rules: decision.rules,
    report_only: decision.reportOnly,
    failed: decision.failed,
    limits: {
      ...(decision.limits.maxSessionSeconds === undefined
        ? {}
        : { max_session_seconds: decision.limits.maxSessionSeconds }),
      forbid_session_transfer: decision.limits.forbidSessionTransfer,
      forbid_refresh_token_export: decision.limits.forbidRefreshTokenExport,
    },
  };
}
