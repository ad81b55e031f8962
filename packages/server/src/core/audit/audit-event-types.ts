/**
 * Every audit event type Baton records, with what it means: the one catalog that
 * `AuditLog.record` accepts, `baton audit list --type` offers and docs/audit.md lists (a
 * test keeps the page in step).
 */
export const auditEventTypes = {
  'sign_in.succeeded': 'a user signed in (native auth, a hosted page, or a token exchange that opened a session)',
  'sign_in.failed': 'a wrong password at sign-in',
  'sign_in.code_failed': 'a wrong or expired one-time code at sign-in',
  'sign_up.succeeded': 'an account was created by sign-up',
  'sign_up.code_failed': 'a wrong or expired one-time code during sign-up',
  'password_reset.succeeded': 'a password was reset by self-service',
  'password_reset.code_failed': 'a wrong or expired one-time code during password reset',
  'mfa.required': 'a sign-in was asked for its second factor',
  'mfa.registration_required': 'a sign-in was asked to register a second factor first',
  'mfa.succeeded': 'a second factor was proved',
  'mfa.code_failed': 'a wrong or expired second-factor code',
  'mfa.method_registered': 'a second-factor method was added to an account',
  'registration.code_failed': 'a wrong or expired code while registering a second-factor method',
  'account.locked': 'too many failed attempts locked an account (or an address) for a while',
  'session.revoked': 'sessions were revoked (by an administrator, a logout, an erasure or a deleted app)',
  'account.session_revoked': 'a user ended a branch of their own device graph from the account API (data.sessions)',
  'account.signed_out_elsewhere':
    "a user ended every session but this device's from the account API or page (data.sessions, data.kept)",
  'account.signed_out_everywhere':
    'a user ended every session, the one they asked from too, on the hosted account page (data.sessions)',
  'refresh_token.reuse_detected':
    'a rotated refresh token was presented again after the retry window: its session was revoked',
  'refresh_token.foreign_device_refused':
    'a refresh token was presented from another device and the app does not allow export',
  'refresh_token.exported_use': 'an exported refresh token was used from another device (the app allows export)',
  'session_transfer.issued': 'a session transfer token was issued',
  'session_transfer.redeemed': 'a session transfer token was redeemed by its audience',
  'session_transfer.replayed': 'a used session transfer token was presented again',
  'native_sso.exchanged': "a sibling app exchanged the device's ID token and device secret for a session (Native SSO)",
  'native_sso.refused': 'a Native SSO exchange was refused (data.reason says why)',
  'device_code.issued': 'a device asked for a device code and a user code (RFC 8628)',
  'device_code.approved': 'a user approved a device code, on the hosted page or from a signed-in app',
  'device_code.denied': 'a user denied a device code',
  'device_code.redeemed':
    "a device traded its approved device code for tokens: its session is the approving session's child",
  'device_code.replayed': 'a device code already traded for tokens was presented again',
  'device_code.guess_refused': 'a user code that names no pending device was typed (a mistake, or a guess)',
  'browser_session.started': 'a browser SSO session began',
  'authorization_code.replayed': 'a used authorization code was presented again: the session it opened was revoked',
  'tenant.created': 'an administrator created a tenant',
  'tenant.updated': "an administrator changed a tenant's settings",
  'tenant.deleted': 'an administrator deleted a tenant and everything in it (recorded outside the tenant)',
  'app.created': 'an administrator registered an app',
  'app.updated': "an administrator changed an app's settings",
  'app.deleted': 'an administrator deleted an app (its sessions were revoked)',
  'app.secret_rotated': "an administrator replaced a confidential app's client secret",
  'policy.blocked':
    'the conditional-access policy blocked a sign-in, refresh, session transfer or web sign-in (data.rules names the rules)',
  'policy.mfa_required':
    'the conditional-access policy asked for a second factor the session lacked (data.rules names the rules)',
  'policy.report_only':
    'report-only rules of the conditional-access policy matched; nothing was changed (data.rules names them)',
  'policy.set': "an administrator set a new version of the tenant's conditional-access policy",
  'user.created': 'an administrator created a user',
  'user.updated': "an administrator changed a user's profile, password or verification",
  'user.deleted': "a user's personal data was erased and every session revoked",
  'keys.rotated': "a tenant's signing key was replaced by a new one",
} as const;

export type AuditEventType = keyof typeof auditEventTypes;

export const auditEventTypeNames = Object.keys(auditEventTypes) as AuditEventType[];

export function isAuditEventType(value: string): value is AuditEventType {
  return Object.hasOwn(auditEventTypes, value);
}
