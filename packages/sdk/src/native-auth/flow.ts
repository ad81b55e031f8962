import type { SdkContext } from '../context.js';
import { BatonSdkError, isSdkError } from '../errors.js';
import type { Answer, Params } from '../http/form-client.js';
import { errorFromAnswer, redirectFrom } from '../http/wire-errors.js';
import type { Account } from '../tokens/account.js';

/** What every flow state carries: the client's plumbing and how to open an account. */
export interface FlowContext extends SdkContext {
  /** `challenge_type` as sent: the configured types plus `redirect`, space-separated. */
  challengeType: string;
  /** `capabilities` sent on initiate and the start endpoints. */
  capabilities: string;
  /** Stores a new session and makes it the client's account. */
  openAccount(body: Record<string, unknown>): Promise<Account>;
}

/**
 * Runs one step: its typed errors become the step's result (the state that made the call
 * stays usable for a retry); anything else is a bug and is thrown.
 */
export async function step<T>(run: () => Promise<T | BatonSdkError>): Promise<T | BatonSdkError> {
  try {
    return await run();
  } catch (error) {
    if (isSdkError(error)) return error;
    throw error;
  }
}

/** POSTs a native-auth step; a 2xx answer is returned, anything else thrown as a typed error. */
export async function post(ctx: FlowContext, path: string, params: Params): Promise<Record<string, unknown>> {
  const answer = await ctx.http.post(path, params);
  return succeeded(answer);
}

export function succeeded(answer: Answer): Record<string, unknown> {
  const redirect = redirectFrom(answer);
  if (redirect) throw redirect;
  if (!answer.ok) throw errorFromAnswer(answer);
  return answer.body;
}

export function continuationOf(body: Record<string, unknown>): string {
  if (typeof body.continuation_token !== 'string' || body.continuation_token === '') {
    throw new BatonSdkError('invalid_response', 'The server answered without a continuation_token');
  }
  return body.continuation_token;
}

/** Where a one-time code went and how long it is, as the `oob` challenge answers say. */
export interface CodeChallenge {
  /** The code's number of digits, when the server says (the SDK checks it before sending). */
  codeLength: number | undefined;
  channel: string | undefined;
  /** Where the code was sent, masked (`a***@example.com`). */
  sentTo: string | undefined;
}

export function codeChallengeOf(body: Record<string, unknown>): CodeChallenge {
  return {
    codeLength: typeof body.code_length === 'number' && body.code_length > 0 ? body.code_length : undefined,
    channel: typeof body.challenge_channel === 'string' ? body.challenge_channel : undefined,
    sentTo:
      typeof body.challenge_target_label === 'string'
        ? body.challenge_target_label
        : typeof body.challenge_target === 'string'
          ? body.challenge_target
          : undefined,
  };
}

/** A code of the wrong length never reaches the server (it would only cost an attempt). */
function checkCode(code: string, challenge: CodeChallenge): void {
  if (challenge.codeLength !== undefined && code.trim().length !== challenge.codeLength) {
    throw new BatonSdkError('invalid_code', `The code has ${challenge.codeLength} digits`);
  }
}

/** A state waiting for a one-time code: where it went, how long it is, and the length check. */
export abstract class CodeStep implements CodeChallenge {
  readonly codeLength: number | undefined;
  readonly channel: string | undefined;
  readonly sentTo: string | undefined;

  constructor(challenge: CodeChallenge) {
    ({ codeLength: this.codeLength, channel: this.channel, sentTo: this.sentTo } = challenge);
  }

  /** The trimmed code, or an `invalid_code` error when its length is wrong. */
  protected checked(code: string): string {
    checkCode(code, this);
    return code.trim();
  }
}
