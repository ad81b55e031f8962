import type { Tenant } from '../../core/model.js';

/** A HAL link: what MSAL reads from `_links` (and each method's `_links`). */
export interface HalLink {
  href: string;
}

export const link = (href: string): HalLink => ({ href });

/**
 * Every V2 endpoint a HAL answer can point to, as an absolute path that includes the
 * tenant: MSAL keeps only its proxy's origin from a link, so a relative link would lose
 * the tenant and a full URL's host would be replaced anyway.
 */
export function v2Paths(tenant: Tenant) {
  const base = `/${encodeURIComponent(tenant.name)}`;
  const v2 = `${base}/native-auth/v2`;
  return {
    /** The entry, and the finish that turns a proved flow into an authorization code. */
    authorizeChallenge: `${base}/oauth2/v2.0/authorize-challenge`,
    signIn: `${v2}/sign-in`,
    signInChallenge: (method: string) => `${v2}/sign-in/methods/${method}/challenge`,
    signInVerify: (method: string) => `${v2}/sign-in/methods/${method}/verify`,
    signUp: `${v2}/sign-up`,
    signUpVerify: `${v2}/sign-up/verify`,
    signUpChallenge: `${v2}/sign-up/challenge`,
    signUpAttributes: `${v2}/sign-up/attributes`,
    resetPassword: `${v2}/reset-password`,
    resetChallenge: `${v2}/reset-password/challenge`,
    resetVerify: `${v2}/reset-password/verify`,
    resetUpdate: `${v2}/reset-password/password`,
    resetPoll: `${v2}/reset-password/poll`,
    mfaChallenge: (methodId: string) => `${v2}/mfa/methods/${encodeURIComponent(methodId)}/challenge`,
    mfaVerify: `${v2}/mfa/verify`,
    enroll: (type: string) => `${v2}/register/${type}`,
    activate: `${v2}/register/activate`,
    registrationResend: `${v2}/register/resend`,
  };
}

export type V2Paths = ReturnType<typeof v2Paths>;
