import type { App, Session } from '../model.js';

/**
 * Whether a session, however it was signed in, may stand behind a session of `app`
 * (a handoff, a web view, the hosted pages' SSO): an app that requires MFA takes only a
 * session whose sign-in included a second factor, so a password-only sign-in at one app
 * cannot open a session at another that demands more.
 */
export function meetsAppPolicy(app: App, session: Pick<Session, 'amr'>): boolean {
  return !app.requireMfa || session.amr.includes('mfa');
}
