import { BatonError } from '../errors.js';

/** Where a policy is evaluated: every way into a session and every way it goes on. */
export const evaluationPoints = ['sign_in', 'refresh', 'session_transfer', 'web_sso', 'device_approval'] as const;
export type EvaluationPoint = (typeof evaluationPoints)[number];

/** `report_only` rules are evaluated and audited but change nothing: how a rule is tried before it is enforced. */
export const ruleStates = ['enabled', 'report_only', 'disabled'] as const;
export type RuleState = (typeof ruleStates)[number];

/** What a matching rule does. Flags are only ever `true`: a rule that does nothing is left out, not written as `false`. */
export interface PolicyControls {
  block?: true;
  require_mfa?: true;
  /** Caps the session's absolute lifetime, counted from its start, from this evaluation on. */
  max_session_seconds?: number;
  forbid_session_transfer?: true;
  forbid_refresh_token_export?: true;
}

export interface PolicyRule {
  name: string;
  state: RuleState;
  at: EvaluationPoint[];
  /** A CEL expression over the policy variables (policy-language.ts); a rule without one always matches. */
  when?: string;
  then: PolicyControls;
}

export interface PolicyDocument {
  rules: PolicyRule[];
}

export const policyLimits = {
  rules: 200,
  nameLength: 100,
  expressionLength: 4096,
  /** A session lives at least a minute and at most a year under a policy's cap. */
  sessionSeconds: { min: 60, max: 366 * 24 * 3600 },
} as const;

const flagControls = ['block', 'require_mfa', 'forbid_session_transfer', 'forbid_refresh_token_export'] as const;
const controlNames = [...flagControls, 'max_session_seconds'] as const;
const ruleFields = ['name', 'state', 'at', 'when', 'then'] as const;

/** The document refused, naming where (`rules[2].then`) so each face can point at it. */
export function invalidPolicy(where: string, description: string): BatonError {
  return new BatonError('invalid_policy', `${where}: ${description}`, { setting: where });
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const quoted = (values: readonly string[]) => values.map((value) => `"${value}"`).join(', ');

/**
 * A policy document as it arrives (parsed JSON), checked field by field: unknown fields,
 * wrong types, duplicate rule names and empty controls are refused with where they are.
 * The expressions are compiled separately (compiled-policy.ts).
 */
export function readPolicyDocument(input: unknown): PolicyDocument {
  if (!isObject(input)) throw invalidPolicy('document', 'a policy is a JSON object with "rules"');
  for (const key of Object.keys(input))
    if (key !== 'rules') throw invalidPolicy(key, 'unknown field; a policy document has only "rules"');
  const rules = input.rules;
  if (!Array.isArray(rules)) throw invalidPolicy('rules', 'must be a list of rules');
  if (rules.length > policyLimits.rules) throw invalidPolicy('rules', `at most ${policyLimits.rules} rules`);
  const names = new Set<string>();
  return {
    rules: rules.map((rule, index) => {
      const read = readRule(rule, `rules[${index}]`);
      if (names.has(read.name)) throw invalidPolicy(`rules[${index}].name`, `"${read.name}" names two rules`);
      names.add(read.name);
      return read;
    }),
  };
}

function readRule(input: unknown, where: string): PolicyRule {
  if (!isObject(input)) throw invalidPolicy(where, 'a rule is an object with name, state, at, when and then');
  for (const key of Object.keys(input))
    if (!(ruleFields as readonly string[]).includes(key))
      throw invalidPolicy(`${where}.${key}`, `unknown field; a rule has ${quoted(ruleFields)}`);
  const { name, state, at, when, then } = input;
  if (typeof name !== 'string' || name.trim() === '' || name.length > policyLimits.nameLength)
    throw invalidPolicy(`${where}.name`, `a rule needs a name of 1 to ${policyLimits.nameLength} characters`);
  const rule = `${where} ("${name}")`;
  if (typeof state !== 'string' || !(ruleStates as readonly string[]).includes(state))
    throw invalidPolicy(`${rule}.state`, `must be one of ${quoted(ruleStates)}`);
  if (!Array.isArray(at) || at.length === 0)
    throw invalidPolicy(`${rule}.at`, `must list one or more of ${quoted(evaluationPoints)}`);
  for (const point of at)
    if (typeof point !== 'string' || !(evaluationPoints as readonly string[]).includes(point))
      throw invalidPolicy(`${rule}.at`, `${JSON.stringify(point)} is not one of ${quoted(evaluationPoints)}`);
  if (when !== undefined && (typeof when !== 'string' || when.trim() === ''))
    throw invalidPolicy(`${rule}.when`, 'must be a CEL expression (leave "when" out for a rule that always applies)');
  if (typeof when === 'string' && when.length > policyLimits.expressionLength)
    throw invalidPolicy(`${rule}.when`, `at most ${policyLimits.expressionLength} characters`);
  return {
    name,
    state: state as RuleState,
    at: [...new Set(at as EvaluationPoint[])],
    ...(when === undefined ? {} : { when }),
    then: readControls(then, `${rule}.then`),
  };
}

function readControls(input: unknown, where: string): PolicyControls {
  if (!isObject(input) || Object.keys(input).length === 0)
    throw invalidPolicy(where, `must name what the rule does: one or more of ${quoted(controlNames)}`);
  const controls: PolicyControls = {};
  for (const [key, value] of Object.entries(input)) {
    if (key === 'max_session_seconds') {
      const { min, max } = policyLimits.sessionSeconds;
      if (!Number.isInteger(value) || (value as number) < min || (value as number) > max)
        throw invalidPolicy(`${where}.${key}`, `must be a whole number of seconds from ${min} to ${max}`);
      controls.max_session_seconds = value as number;
    } else if ((flagControls as readonly string[]).includes(key)) {
      if (value !== true) throw invalidPolicy(`${where}.${key}`, 'must be true (leave it out otherwise)');
      controls[key as (typeof flagControls)[number]] = true;
    } else {
      throw invalidPolicy(`${where}.${key}`, `unknown control; one of ${quoted(controlNames)}`);
    }
  }
  return controls;
}
