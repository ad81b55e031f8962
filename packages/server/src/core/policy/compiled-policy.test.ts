import { describe, expect, it } from 'vitest';
import { BatonError } from '../errors.js';
import { CompiledPolicy } from './compiled-policy.js';
import { readPolicyDocument } from './policy-document.js';
import type { PolicyFacts } from './policy-language.js';

const facts = (changes: { [K in keyof PolicyFacts]?: Partial<PolicyFacts[K]> } = {}): PolicyFacts => ({
  request: { ip: '198.51.100.4', country: 'DE', at: 'refresh', ...changes.request },
  app: { client_id: 'watch-app', name: 'Watch', ...changes.app },
  device: { kind: 'companion', platform: 'watchOS', new: false, ...changes.device },
  session: { amr: ['pwd'], age_seconds: 600, dpop_bound: true, handed_off: true, ...changes.session },
  user: { email: 'ada@example.com', email_verified: true, attributes: { tier: 'gold' }, ...changes.user },
  risk: { failed_attempts: 0, ...changes.risk },
  now: new Date(Date.UTC(2026, 11, 7, 12)),
});

const compile = (rules: unknown[]) => CompiledPolicy.compile(readPolicyDocument({ rules }), 1);

function refusal(work: () => unknown): { description: string; setting: string | undefined } {
  try {
    work();
  } catch (error) {
    if (error instanceof BatonError && error.code === 'invalid_policy')
      return { description: error.description, setting: error.details.setting };
    throw error;
  }
  throw new Error('the document was accepted');
}

describe('a policy document', () => {
  it.each([
    [{ rules: {} }, 'rules', 'must be a list'],
    [{ rules: [], extra: 1 }, 'extra', 'unknown field'],
    [{ rules: [{ name: 'r', state: 'on', at: ['refresh'], then: { block: true } }] }, 'rules[0] ("r").state', 'one of'],
    [
      { rules: [{ name: 'r', state: 'enabled', at: ['logout'], then: { block: true } }] },
      'rules[0] ("r").at',
      '"logout"',
    ],
    [{ rules: [{ name: 'r', state: 'enabled', at: [], then: { block: true } }] }, 'rules[0] ("r").at', 'one or more'],
    [
      { rules: [{ name: 'r', state: 'enabled', at: ['refresh'], then: {} }] },
      'rules[0] ("r").then',
      'what the rule does',
    ],
    [
      { rules: [{ name: 'r', state: 'enabled', at: ['refresh'], then: { block: false } }] },
      'rules[0] ("r").then.block',
      'must be true',
    ],
    [
      { rules: [{ name: 'r', state: 'enabled', at: ['refresh'], then: { deny: true } }] },
      'rules[0] ("r").then.deny',
      'unknown control',
    ],
    [
      { rules: [{ name: 'r', state: 'enabled', at: ['refresh'], then: { max_session_seconds: 5 } }] },
      'rules[0] ("r").then.max_session_seconds',
      'from 60',
    ],
    [
      { rules: [{ name: 'r', state: 'enabled', at: ['refresh'], when: 7, then: { block: true } }] },
      'rules[0] ("r").when',
      'CEL expression',
    ],
    [
      { rules: [{ name: 'r', state: 'enabled', at: ['refresh'], then: { block: true }, if: 'x' }] },
      'rules[0].if',
      'unknown field',
    ],
    [
      { rules: [{ name: '', state: 'enabled', at: ['refresh'], then: { block: true } }] },
      'rules[0].name',
      'needs a name',
    ],
    [
      { rules: [1, 2].map(() => ({ name: 'twice', state: 'enabled', at: ['refresh'], then: { block: true } })) },
      'rules[1].name',
      '"twice" names two rules',
    ],
  ])('%j is refused at %s', (document, setting, words) => {
    const refused = refusal(() => readPolicyDocument(document));
    expect(refused.setting).toBe(setting);
    expect(refused.description).toContain(words);
  });

  it.each([
    ["device.knd == 'companion'", 'column 8', 'No such key: knd'],
    ["session.age_seconds > 'an hour'", 'column 1', 'no such overload'],
    ['request.country', '', 'must be true or false'],
    ['device.kind == ', 'column 16', 'Unexpected token'],
  ])('a condition that does not compile (%s) names the rule, the column and why', (when, column, why) => {
    const refused = refusal(() =>
      compile([
        { name: 'fine', state: 'enabled', at: ['refresh'], when: 'true', then: { block: true } },
        { name: 'typo', state: 'disabled', at: ['refresh'], when, then: { block: true } },
      ]),
    );
    expect(refused.setting).toBe('rules[1] ("typo").when');
    expect(refused.description).toContain(column);
    expect(refused.description).toContain(why);
  });
});

describe('evaluating the rules in force', () => {
  const abroad = {
    name: 'no-watch-abroad',
    state: 'enabled',
    at: ['refresh', 'session_transfer'],
    when: "device.kind == 'companion' && request.country != 'NL'",
    then: { block: true },
  };

  it('blocks where a blocking rule matches, only at its points, and allows elsewhere', () => {
    const policy = compile([abroad]);
    expect(policy.evaluate('refresh', facts())).toMatchObject({ decision: 'block', rules: ['no-watch-abroad'] });
    expect(policy.evaluate('sign_in', facts()).decision).toBe('allow');
    expect(policy.evaluate('refresh', facts({ request: { country: 'NL' } }))).toMatchObject({
      decision: 'allow',
      rules: [],
    });
  });

  it('asks for a second factor only while the session lacks one', () => {
    const policy = compile([
      {
        name: 'mfa-for-companions',
        state: 'enabled',
        at: ['refresh'],
        when: "device.kind == 'companion'",
        then: { require_mfa: true },
      },
    ]);
    expect(policy.evaluate('refresh', facts()).decision).toBe('require_mfa');
    expect(policy.evaluate('refresh', facts({ session: { amr: ['pwd', 'otp', 'mfa'] } }))).toMatchObject({
      decision: 'allow',
      rules: ['mfa-for-companions'],
    });
  });

  it('a block wins over MFA; report-only rules are listed and change nothing; disabled ones are not evaluated', () => {
    const policy = compile([
      { name: 'mfa', state: 'enabled', at: ['refresh'], then: { require_mfa: true } },
      { ...abroad, name: 'trial', state: 'report_only' },
      { ...abroad, name: 'off', state: 'disabled', when: "user.attributes.missing == 'x'" },
    ]);
    expect(policy.evaluate('refresh', facts())).toMatchObject({
      decision: 'require_mfa',
      rules: ['mfa'],
      reportOnly: ['trial'],
      failed: [],
    });
    const blocking = compile([{ name: 'mfa', state: 'enabled', at: ['refresh'], then: { require_mfa: true } }, abroad]);
    expect(blocking.evaluate('refresh', facts()).decision).toBe('block');
  });

  it('fails closed: a blocking rule whose condition cannot be answered blocks, and says why', () => {
    const policy = compile([
      {
        name: 'gold-only',
        state: 'enabled',
        at: ['refresh'],
        when: "user.attributes.level != 'gold'",
        then: { block: true },
      },
      {
        name: 'short',
        state: 'enabled',
        at: ['refresh'],
        when: "user.attributes.level == 'x'",
        then: { max_session_seconds: 3600 },
      },
    ]);
    const decision = policy.evaluate('refresh', facts());
    expect(decision.decision).toBe('block');
    expect(decision.rules).toEqual(['gold-only']);
    expect(decision.limits.maxSessionSeconds).toBeUndefined();
    expect(decision.failed.map((failure) => failure.rule)).toEqual(['gold-only', 'short']);
    expect(decision.failed[0]?.message).toContain('level');
  });

  it('a rule that cannot be answered changes none of the answers of the rules around it', () => {
    const rule = (name: string, when: string) => ({
      name,
      state: 'report_only',
      at: ['refresh'],
      when,
      then: { block: true },
    });
    const policy = compile([
      rule('before', "device.kind == 'companion'"),
      rule('missing', "user.attributes.level == 'x'"),
      rule('after-true', 'session.dpop_bound'),
      rule('after-false', "device.kind == 'browser'"),
    ]);
    expect(policy.evaluate('refresh', facts())).toMatchObject({
      reportOnly: ['before', 'missing', 'after-true'],
      failed: [{ rule: 'missing' }],
    });
  });

  it('evaluates every rule of a document too large for one pass, and a condition that ends in a comment', () => {
    const rules = Array.from({ length: 150 }, (_, index) => ({
      name: `rule-${index}`,
      state: 'report_only',
      at: ['refresh'],
      when: `session.age_seconds > ${index * 10} // older than ${index * 10} s`,
      then: { block: true },
    }));
    const decision = compile(rules).evaluate('refresh', facts({ session: { age_seconds: 600 } }));
    expect(decision.reportOnly).toEqual(rules.slice(0, 60).map((rule) => rule.name));
    expect(decision.failed).toEqual([]);
    const few = compile(rules.slice(55, 65)).evaluate('refresh', facts({ session: { age_seconds: 600 } }));
    expect(few.reportOnly).toEqual(rules.slice(55, 60).map((rule) => rule.name));
  });

  it('keeps the shortest session cap and every prohibition of the rules that matched', () => {
    const policy = compile([
      {
        name: 'web',
        state: 'enabled',
        at: ['refresh'],
        then: { max_session_seconds: 86_400, forbid_session_transfer: true },
      },
      {
        name: 'watch',
        state: 'enabled',
        at: ['refresh'],
        when: 'session.dpop_bound',
        then: { max_session_seconds: 3600 },
      },
      {
        name: 'export',
        state: 'enabled',
        at: ['refresh'],
        when: 'session.age_seconds > 3600',
        then: { forbid_refresh_token_export: true },
      },
    ]);
    expect(policy.evaluate('refresh', facts()).limits).toEqual({
      maxSessionSeconds: 3600,
      forbidSessionTransfer: true,
      forbidRefreshTokenExport: false,
    });
  });

  it('reads every variable of the contract, ip_in included', () => {
    const policy = compile([
      {
        name: 'everything',
        state: 'enabled',
        at: ['refresh'],
        when: [
          "ip_in(request.ip, ['198.51.100.0/24', '2001:db8::/32']) && request.at == 'refresh'",
          "app.client_id == 'watch-app' && app.name == 'Watch' && device.platform == 'watchOS' && !device.new",
          "'pwd' in session.amr && session.age_seconds < 3600 && session.dpop_bound && session.handed_off",
          "user.email.endsWith('@example.com') && user.email_verified && user.attributes.tier == 'gold'",
          "risk.failed_attempts == 0 && now.getHours('UTC') == 12",
        ].join(' && '),
        then: { block: true },
      },
    ]);
    expect(policy.evaluate('refresh', facts()).decision).toBe('block');
    expect(policy.evaluate('refresh', facts({ request: { ip: '203.0.113.1' } })).decision).toBe('allow');
    expect(policy.evaluate('refresh', facts({ request: { ip: 'not an address' } })).decision).toBe('allow');
  });

  it('a range that is not one is an evaluation error, so a blocking rule fails closed', () => {
    const policy = compile([
      {
        name: 'office',
        state: 'enabled',
        at: ['refresh'],
        when: "!ip_in(request.ip, ['10.0.0.0/33'])",
        then: { block: true },
      },
    ]);
    const decision = policy.evaluate('refresh', facts());
    expect(decision.decision).toBe('block');
    expect(decision.failed[0]?.message).toContain('10.0.0.0/33');
  });
});
