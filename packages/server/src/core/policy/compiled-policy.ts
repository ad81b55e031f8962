import {
  type CelContext,
  celContextOf,
  compileCondition,
  compileConditions,
  type Condition,
  type Conditions,
  type PolicyFacts,
} from './policy-language.js';
import {
  type EvaluationPoint,
  invalidPolicy,
  type PolicyControls,
  type PolicyDocument,
  type RuleState,
} from './policy-document.js';

/** What the rules in force say about one request at one point. */
export interface PolicyDecision {
  /** `require_mfa` only while the session lacks a second factor; with one, the rule is met and the answer is allow. */
  decision: 'allow' | 'block' | 'require_mfa';
  /** Enabled rules that matched (those that failed to evaluate included: see `failed`). */
  rules: string[];
  /** Report-only rules that matched: audited, no effect. */
  reportOnly: string[];
  /** Rules whose condition could not be evaluated; a blocking or MFA rule then counts as matched (fail closed). */
  failed: Array<{ rule: string; message: string }>;
  /** The lifetime cap and the prohibitions of the enabled rules that matched. */
  limits: { maxSessionSeconds?: number; forbidSessionTransfer: boolean; forbidRefreshTokenExport: boolean };
}

interface CompiledRule {
  name: string;
  /** Whether the condition reads `risk`, which costs a query to know. */
  readsRisk: boolean;
  state: Exclude<RuleState, 'disabled'>;
  /** The condition as written; `true` for a rule without one. */
  when: string;
  condition: Condition;
  controls: PolicyControls;
}

/** The rules evaluated at one point, in the document's order, and all their conditions in one pass. */
interface RulesAtPoint {
  rules: readonly CompiledRule[];
  /** Null when the conditions do not compile as one list: each is then evaluated alone. */
  conditions: Conditions | null;
  readsRisk: boolean;
}

const always: Condition = () => true;

/** A tenant's document with every condition compiled once, for its version's whole life. */
export class CompiledPolicy {
  private readonly byPoint = new Map<EvaluationPoint, RulesAtPoint>();

  private constructor(
    readonly version: number,
    rules: readonly (CompiledRule & { at: readonly EvaluationPoint[] })[],
  ) {
    for (const point of new Set(rules.flatMap((rule) => rule.at))) {
      const at = rules.filter((rule) => rule.at.includes(point));
      this.byPoint.set(point, {
        rules: at,
        conditions: compileConditions(at.map((rule) => rule.when)),
        readsRisk: at.some((rule) => rule.readsRisk),
      });
    }
  }

  /** No rules: what a tenant without a document has. */
  static readonly none = new CompiledPolicy(0, []);

  /** Compiles every rule, or refuses the document naming the rule, its field and the column. */
  static compile(document: PolicyDocument, version: number): CompiledPolicy {
    const rules: (CompiledRule & { at: readonly EvaluationPoint[] })[] = [];
    document.rules.forEach((rule, index) => {
      let condition = always;
      if (rule.when !== undefined) {
        const compiled = compileCondition(rule.when);
        if (typeof compiled !== 'function')
          throw invalidPolicy(
            `rules[${index}] ("${rule.name}").when`,
            `${compiled.column === undefined ? '' : `column ${compiled.column}: `}${compiled.message}`,
          );
        condition = compiled;
      }
      if (rule.state !== 'disabled')
        rules.push({
          name: rule.name,
          state: rule.state,
          at: rule.at,
          when: rule.when ?? 'true',
          condition,
          controls: rule.then,
          readsRisk: /\brisk\b/.test(rule.when ?? ''),
        });
    });
    return new CompiledPolicy(version, rules);
  }

  /** Whether any rule is evaluated at `point`: without one, nothing needs computing. */
  appliesAt(point: EvaluationPoint): boolean {
    return this.byPoint.has(point);
  }

  /** Whether a rule evaluated at `point` reads `risk` (a word of its condition, even in a string: a spare query, never a missed one). */
  readsRiskAt(point: EvaluationPoint): boolean {
    return this.byPoint.get(point)?.readsRisk ?? false;
  }

  evaluate(point: EvaluationPoint, facts: PolicyFacts): PolicyDecision {
    const decision = allowed();
    const at = this.byPoint.get(point);
    if (!at) return decision;
    const context = celContextOf(facts);
    const matches = allMatches(at, context);
    let block = false;
    let mfa = false;
    at.rules.forEach((rule, index) => {
      if (!(matches?.[index] ?? matchesAlone(rule, context, decision))) return;
      if (rule.state === 'report_only') {
        decision.reportOnly.push(rule.name);
        return;
      }
      decision.rules.push(rule.name);
      block ||= rule.controls.block === true;
      mfa ||= rule.controls.require_mfa === true;
      const { limits } = decision;
      if (rule.controls.max_session_seconds !== undefined)
        limits.maxSessionSeconds = Math.min(limits.maxSessionSeconds ?? Infinity, rule.controls.max_session_seconds);
      limits.forbidSessionTransfer ||= rule.controls.forbid_session_transfer === true;
      limits.forbidRefreshTokenExport ||= rule.controls.forbid_refresh_token_export === true;
    });
    if (block) decision.decision = 'block';
    else if (mfa && !facts.session.amr.includes('mfa')) decision.decision = 'require_mfa';
    return decision;
  }
}

/** Every condition at the point in one pass; null when one of them cannot be answered (each is then asked alone). */
function allMatches(at: RulesAtPoint, context: CelContext): boolean[] | null {
  if (!at.conditions) return null;
  try {
    return at.conditions(context);
  } catch {
    return null;
  }
}

/** One rule's condition; one that cannot be answered is recorded, and taken as met where that is the safe side. */
function matchesAlone(rule: CompiledRule, context: CelContext, decision: PolicyDecision): boolean {
  try {
    return rule.condition(context);
  } catch (error) {
    decision.failed.push({ rule: rule.name, message: (error as Error).message.split('\n')[0] ?? '' });
    return rule.controls.block === true || rule.controls.require_mfa === true;
  }
}

/** The decision of a policy with no rule at the point: nothing matched, nothing limited. */
export function allowed(): PolicyDecision {
  return {
    decision: 'allow',
    rules: [],
    reportOnly: [],
    failed: [],
    limits: { forbidSessionTransfer: false, forbidRefreshTokenExport: false },
  };
}
