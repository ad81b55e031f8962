import { BlockList, isIP, SocketAddress } from 'node:net';
import { Environment, type ParseResult } from '@marcbachmann/cel-js';

/**
 * What a rule's `when` can read, computed once per request by the point of evaluation
 * (the contract in ARCHITECTURE.md, "Conditional access", lists them).
 */
export interface PolicyFacts {
  request: {
    /** The caller's address after the trusted-proxy rules. */
    ip: string;
    /** ISO 3166 alpha-2 of `ip`, `""` when unknown. */
    country: string;
    /** The point of evaluation. */
    at: string;
  };
  app: { client_id: string; name: string };
  device: { kind: string; platform: string; new: boolean };
  session: { amr: string[]; age_seconds: number; dpop_bound: boolean; handed_off: boolean };
  user: { email: string; email_verified: boolean; attributes: Record<string, unknown> };
  risk: { failed_attempts: number };
  now: Date;
}

/** The variables' CEL types: an unknown name or a wrong type is an error when a document is set, not when it runs. */
const variables = {
  request: { ip: 'string', country: 'string', at: 'string' },
  app: { client_id: 'string', name: 'string' },
  device: { kind: 'string', platform: 'string', new: 'bool' },
  session: { amr: 'list<string>', age_seconds: 'int', dpop_bound: 'bool', handed_off: 'bool' },
  user: { email: 'string', email_verified: 'bool', attributes: 'map<string, dyn>' },
  risk: { failed_attempts: 'int' },
} as const;

/** Address ranges parsed once per distinct list: rules name the same few lists on every request. */
const rangeLists = new Map<string, BlockList>();
const maxRangeLists = 1000;

/** Addresses as BlockList checks them, made once per address: making one cost more than the check. */
const socketAddresses = new Map<string, SocketAddress | null>();
const maxSocketAddresses = 10_000;

function socketAddressOf(ip: string): SocketAddress | null {
  let address = socketAddresses.get(ip);
  if (address === undefined) {
    const family = isIP(ip);
    address = family === 0 ? null : new SocketAddress({ address: ip, family: family === 6 ? 'ipv6' : 'ipv4' });
    if (socketAddresses.size >= maxSocketAddresses) socketAddresses.clear();
    socketAddresses.set(ip, address);
  }
  return address;
}

/** `ip_in(ip, ['10.0.0.0/8', '2001:db8::/32'])`; an address that is not one is in no range, a range that is not one is an error. */
function ipIn(ip: string, cidrs: readonly string[]): boolean {
  const id = cidrs.join(' ');
  let list = rangeLists.get(id);
  if (!list) {
    list = new BlockList();
    for (const cidr of cidrs) {
      const [address = '', bits, ...rest] = cidr.split('/');
      const cidrFamily = isIP(address);
      const prefix = Number(bits ?? (cidrFamily === 6 ? 128 : 32));
      if (
        cidrFamily === 0 ||
        rest.length > 0 ||
        !Number.isInteger(prefix) ||
        prefix < 0 ||
        prefix > (cidrFamily === 6 ? 128 : 32)
      )
        throw new Error(`ip_in: "${cidr}" is not an address range (like "10.0.0.0/8")`);
      list.addSubnet(address, prefix, cidrFamily === 6 ? 'ipv6' : 'ipv4');
    }
    if (rangeLists.size >= maxRangeLists) rangeLists.clear();
    rangeLists.set(id, list);
  }
  const address = socketAddressOf(ip);
  return address !== null && list.check(address);
}

type VariableName = keyof typeof variables;

/**
 * A class per variable, its instances what a rule reads. CEL reads a registered class's
 * fields as they are, where a plain object would be converted into the library's own
 * type again by every rule that reads it: for a 20-rule document, most of the evaluation.
 */
const factClasses = Object.fromEntries(
  Object.keys(variables).map((name) => [
    name,
    {
      [name]: class {
        constructor(values: object) {
          Object.assign(this, values);
        }
      },
    }[name]!,
  ]),
) as Record<VariableName, new (values: object) => object>;

const environment = (() => {
  const env = new Environment({ limits: { maxAstNodes: 500, maxDepth: 32, maxListElements: 1000 } });
  for (const [name, fields] of Object.entries(variables) as [VariableName, Record<string, string>][]) {
    env.registerType(name, { ctor: factClasses[name], fields });
    env.registerVariable(name, name);
  }
  return env
    .registerVariable('now', 'google.protobuf.Timestamp')
    .registerFunction('ip_in(string, list<string>): bool', ipIn);
})();

/** The facts as CEL reads them (celContextOf), made once per evaluation for every rule. */
export type CelContext = Record<string, unknown>;

/** A rule's condition, type-checked: evaluating it answers true or false, or throws when the facts cannot answer it. */
export type Condition = (context: CelContext) => boolean;

export interface ExpressionProblem {
  /** What is wrong, in the library's words. */
  message: string;
  /** 1-based column of the offending part, when the library names one. */
  column?: number;
}

/** Compiles `expression` once; returns why not when it does not parse, names an unknown variable, or is not a bool. */
export function compileCondition(expression: string): Condition | ExpressionProblem {
  let parsed: ParseResult;
  try {
    parsed = environment.parse(expression);
  } catch (error) {
    return problemOf(error);
  }
  const checked = parsed.check();
  if (!checked.valid) return problemOf(checked.error);
  if (checked.type !== 'bool') return { message: `the condition must be true or false, but it is a ${checked.type}` };
  return (context) => parsed(context) === true;
}

/** Several type-checked conditions evaluated in one pass: one answer per condition, in order; throws when any of them cannot be answered. */
export type Conditions = (context: CelContext) => boolean[];

/**
 * `expressions` (each one that compileCondition accepts) as one CEL list, evaluated in one
 * call: the library's set-up of an evaluation, much of a small rule's cost, is paid once.
 * Null when the list does not compile as a whole (beyond the parser's size limits).
 */
export function compileConditions(expressions: readonly string[]): Conditions | null {
  // each on lines of its own, so that a `//` comment ends within its own parentheses
  const list = `[${expressions.map((expression) => `(\n${expression}\n)`).join(',')}]`;
  try {
    const parsed = environment.parse(list);
    const checked = parsed.check();
    return checked.valid && checked.type === 'list<bool>' ? (context) => parsed(context) as boolean[] : null;
  } catch {
    return null;
  }
}

function problemOf(error: unknown): ExpressionProblem {
  const { summary, message, range } = (error ?? {}) as {
    summary?: string;
    message?: string;
    range?: { start: number };
  };
  const text = summary ?? message?.split('\n')[0] ?? 'the expression does not compile';
  return range ? { message: text, column: range.start + 1 } : { message: text };
}

/** The facts as CEL reads them: each variable an instance of its class, integers 64-bit (BigInt). */
export function celContextOf(facts: PolicyFacts): CelContext {
  return {
    request: new factClasses.request(facts.request),
    app: new factClasses.app(facts.app),
    device: new factClasses.device(facts.device),
    session: new factClasses.session({
      ...facts.session,
      age_seconds: BigInt(Math.floor(facts.session.age_seconds)),
    }),
    user: new factClasses.user(facts.user),
    risk: new factClasses.risk({ failed_attempts: BigInt(facts.risk.failed_attempts) }),
    now: facts.now,
  };
}
