/**
 * A 20-rule conditional-access document at `refresh`, none of which blocks the bench's
 * requests: what a tenant with a real policy has in force while its sessions refresh. It
 * reads every kind of variable but `risk` (a rule that does counts failed sign-ins, one
 * more query per evaluation; docs/policy.md says so).
 */
export function twentyRulePolicy() {
  const conditions = [
    "request.country == 'KP'",
    "request.country in ['IR', 'SY', 'CU'] && device.kind == 'companion'",
    "ip_in(request.ip, ['198.51.100.0/24', '203.0.113.0/24'])",
    "device.kind == 'service'",
    "device.platform == 'jailbroken'",
    "device.kind == 'companion' && !session.dpop_bound",
    'session.age_seconds > 31536000',
    "session.handed_off && !('pwd' in session.amr) && !('otp' in session.amr)",
    "user.email.endsWith('@blocked.example')",
    '!user.email_verified && session.age_seconds > 86400 * 30',
    "app.name == 'Retired app'",
    "app.client_id == 'no-such-client'",
    'now.getFullYear() < 2000',
    "request.at != 'refresh'",
    'size(user.email) > 320',
    "device.kind == 'browser' && session.age_seconds > 86400 * 7",
    "request.country == 'AQ' && device.kind == 'primary'",
    "ip_in(request.ip, ['10.0.0.0/8', '172.16.0.0/12']) && device.kind == 'companion'",
    "user.email.matches('^admin@')",
    "'legacy' in session.amr",
  ];
  return {
    rules: conditions.map((when, index) => ({
      name: `rule-${String(index + 1).padStart(2, '0')}`,
      state: index % 5 === 4 ? 'report_only' : 'enabled',
      at: ['refresh', 'session_transfer'],
      when,
      then: index % 3 === 0 ? { require_mfa: true } : { block: true },
    })),
  };
}
