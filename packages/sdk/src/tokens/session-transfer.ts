import { grantTypes, tokenTypes } from '@baton/protocol';
import type { SdkContext } from '../context.js';
import { BatonSdkError } from '../errors.js';
import { errorFromAnswer } from '../http/wire-errors.js';
import type { TokenCache } from './token-cache.js';
import { postToken } from './token-endpoint.js';

export interface SessionTransferToken {
  token: string;
  /** Seconds. */
  expiresIn: number;
}

/** What the handoffs need of a signed-in account: a session transfer token for another app (an `Account`). */
export interface SessionTransferSource {
  requestSessionTransfer(audience: string): Promise<SessionTransferToken>;
}

/**
 * A single-use, 60-second session transfer token for the app `audience` (RFC 8693 token
 * exchange) from the session `cache` holds. Its refresh token is presented but neither
 * consumed nor rotated.
 */
export async function requestSessionTransfer(
  ctx: SdkContext,
  cache: TokenCache,
  audience: string,
): Promise<SessionTransferToken> {
  const answer = await postToken(
    ctx,
    {
      grant_type: grantTypes.tokenExchange,
      subject_token: cache.record.refreshToken,
      subject_token_type: tokenTypes.refreshToken,
      requested_token_type: tokenTypes.sessionTransferToken,
      audience,
    },
    cache.dpop,
  );
  if (!answer.ok) throw errorFromAnswer(answer);
  const { access_token, expires_in } = answer.body;
  if (typeof access_token !== 'string')
    throw new BatonSdkError('invalid_response', 'The token exchange answered no transfer token');
  return { token: access_token, expiresIn: typeof expires_in === 'number' ? expires_in : 60 };
}
