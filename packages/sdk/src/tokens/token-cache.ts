import { dpopKeyName, type SdkContext } from '../context.js';
import { DpopSigner } from '../dpop/dpop-proof.js';
import { BatonSdkError } from '../errors.js';
import { errorFromAnswer } from '../http/wire-errors.js';
import { recordFrom, type AccountClaims, type SessionRecord } from './session-record.js';
import { deviceSecretParams, shareDeviceSso } from './device-sso.js';
import { singleFlight } from './single-flight.js';
import { postToken } from './token-endpoint.js';

/** Refresh this long before expiry at most; short-lived tokens refresh when a quarter of their life is left. */
const maxRefreshMarginMs = 60_000;

/**
 * The signed-in session's tokens: serves the cached access token while it is fresh and
 * refreshes it otherwise, one refresh at a time (callers arriving meanwhile share it).
 * Each refresh stores the rotated refresh token before anyone sees the new access token.
 * If that write fails, the next refresh presents the previous token again, which the
 * server answers with the same successor inside its retry window.
 *
 * The store may be shared: browser tabs over one IndexedDB, app instances over one file. So a
 * refresh first reads the store, and carries on from what another tab or app instance rotated
 * to, rather than present a refresh token that was rotated long ago, which the server
 * would take for a stolen one and revoke the session.
 */
export class TokenCache {
  private isEnded = false;
  readonly refresh = singleFlight(() => this.rotate(false));
  /** A refresh that goes to the server even when another window just rotated (`forceRefresh`). */
  private readonly forcedRefresh = singleFlight(() => this.rotate(true));

  private constructor(
    private readonly ctx: SdkContext,
    private current: SessionRecord,
    readonly dpop: DpopSigner | null,
  ) {}

  /** The cache for a new session: stores it first. */
  static async save(ctx: SdkContext, record: SessionRecord, dpop: DpopSigner | null): Promise<TokenCache> {
    await ctx.store.set(ctx.sessionKey, JSON.stringify(record));
    return new TokenCache(ctx, record, dpop);
  }

  /** The cache for the session in the store, or null when there is none. */
  static async load(ctx: SdkContext): Promise<TokenCache | null> {
    const text = await ctx.store.get(ctx.sessionKey);
    if (!text) return null;
    const record = JSON.parse(text) as SessionRecord;
    return new TokenCache(ctx, record, record.dpopBound ? await dpopSigner(ctx) : null);
  }

  /** Signed out here, or ended by the server (seen at a refresh). */
  get ended(): boolean {
    return this.isEnded;
  }

  /** Who the session is (was) for; readable after sign-out, unlike the tokens. */
  get claims(): AccountClaims {
    return this.current.claims;
  }

  get record(): SessionRecord {
    if (this.isEnded) throw new BatonSdkError('session_ended', 'This session has ended: sign in again');
    return this.current;
  }

  /**
   * Reads the store first: a session signed out in another window ends here at once, and a
   * rotation another window made is used rather than refreshed again.
   */
  async accessToken(forceRefresh = false): Promise<string> {
    if (forceRefresh) return (await this.forcedRefresh()).accessToken;
    const record = await this.latest();
    this.current = record;
    if (this.ctx.platform.now() < record.expiresAt - refreshMargin(record)) return record.accessToken;
    return (await this.refresh()).accessToken;
  }

  /** True while the store holds this session (not signed out or replaced in another window). */
  async stillStored(): Promise<boolean> {
    if (this.isEnded) return false;
    try {
      this.current = await this.latest();
      return true;
    } catch {
      return false;
    }
  }

  /**
   * This session's record as the store has it now: another tab or app instance sharing the store
   * may have rotated it. Gone from the store, or replaced by another session (signed out
   * there, perhaps signed in again as someone else), it has ended here too.
   */
  private async latest(): Promise<SessionRecord> {
    const mine = this.record;
    const text = await this.ctx.store.get(this.ctx.sessionKey);
    const stored = text ? (JSON.parse(text) as SessionRecord) : null;
    if (stored?.refreshToken === mine.refreshToken) return mine;
    if (!stored || !sameSession(stored, mine)) {
      this.isEnded = true;
      throw new BatonSdkError(
        'session_ended',
        'This session was signed out in another window or app instance: sign in again',
      );
    }
    return stored;
  }

  /** Forgets the session locally: its tokens and, for a DPoP-bound one, the key. */
  async forget(): Promise<void> {
    this.isEnded = true;
    await this.ctx.store.delete(this.ctx.sessionKey);
    if (this.dpop) await this.ctx.store.deleteKeyPair(dpopKeyName);
  }

  private async rotate(force: boolean): Promise<SessionRecord> {
    const previous = await this.latest();
    if (previous !== this.current) {
      this.current = previous;
      if (!force && this.ctx.platform.now() < previous.expiresAt - refreshMargin(previous)) return previous;
    }
    const answer = await postToken(
      this.ctx,
      { grant_type: 'refresh_token', refresh_token: previous.refreshToken, ...(await deviceSecretParams(this.ctx)) },
      this.dpop,
    );
    if (!answer.ok) {
      const error = errorFromAnswer(answer);
      // A policy's refusal leaves the session to a later try; only an ended session is forgotten.
      if (error.serverError !== 'invalid_grant' || error.code === 'blocked_by_policy') throw error;
      await this.forget();
      throw new BatonSdkError('session_ended', `The session has ended (${error.message}): sign in again`, {
        serverError: 'invalid_grant',
        status: answer.status,
      });
    }
    const next = recordFrom(answer.body, this.ctx.platform.now());
    if (this.isEnded) throw new BatonSdkError('session_ended', 'This session was signed out during the refresh');
    await this.ctx.store.set(this.ctx.sessionKey, JSON.stringify(next));
    await shareDeviceSso(this.ctx, answer.body);
    this.current = next;
    return next;
  }
}

/** How long before expiry an access token is refreshed: a quarter of its life, at most a minute. */
function refreshMargin(record: SessionRecord): number {
  return Math.min(maxRefreshMarginMs, record.lifetimeMs / 4);
}

function sameSession(a: SessionRecord, b: SessionRecord): boolean {
  return (
    a.claims.tenantId === b.claims.tenantId &&
    a.claims.userId === b.claims.userId &&
    a.claims.sessionId === b.claims.sessionId
  );
}

/** The store's DPoP signer (one ECDSA P-256 key per store). */
export async function dpopSigner(ctx: SdkContext): Promise<DpopSigner> {
  return DpopSigner.create(await ctx.store.keyPair(dpopKeyName, 'ECDSA'), ctx.platform.now);
}
