import { BatonError } from '../errors.js';
import type { RequestContext } from '../model.js';
import type { AccessTokenClaims } from '../tokens/access-token-verifier.js';
import { accountScope } from '../tokens/scopes.js';

/** Who calls the account API: a signed-in user, through one of their sessions, from somewhere. */
export interface AccountHolder {
  userId: string;
  /** The session the access token was issued in: "this device". */
  sessionId: string;
  context?: RequestContext;
}

/**
 * The account holder a verified access token speaks for. The token must be a user's
 * (a machine client's has no session to call its own) and carry `baton.account`; a token
 * with the user but without the scope is `insufficient_scope`, not invalid.
 */
export function accountHolderOf(claims: AccessTokenClaims, context?: RequestContext): AccountHolder {
  if (!claims.oid || !claims.sid)
    throw new BatonError('invalid_access_token', 'The access token does not belong to a signed-in user');
  if (!claims.scope.split(' ').includes(accountScope))
    throw new BatonError(
      'insufficient_scope',
      `The access token lacks scope ${accountScope}; sign in asking for it to manage this account`,
    );
  return { userId: claims.oid, sessionId: claims.sid, ...(context ? { context } : {}) };
}
