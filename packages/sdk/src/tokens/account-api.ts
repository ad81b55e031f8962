import type { SdkContext } from '../context.js';
import { BatonSdkError } from '../errors.js';
import { errorFromAnswer } from '../http/wire-errors.js';

/** A session of the signed-in user's device graph, as the account API (`{tenant}/account/v1`) shows it. */
export interface DeviceSession {
  id: string;
  /** The session this one was handed off from (the phone of a watch); null for a sign-in. */
  parentId: string | null;
  app: { clientId: string; name: string | null };
  device: { id: string; name: string; platform: string; kind: 'primary' | 'companion' | 'browser' | 'service' };
  createdAt: Date;
  lastUsedAt: Date;
  /** When it ends unless used again. */
  expiresAt: Date;
  /** How the user signed in (RFC 8176): `pwd`, `otp`, `mfa`... */
  amr: string[];
  status: 'active' | 'expired' | 'revoked';
  revokedAt: Date | null;
  revokedReason: string | null;
  /** True on the session of this account on this device. */
  current: boolean;
}

/** What `revokeOthers()` ended, and kept: this device's sessions, those they hang on and those they handed off to. */
export interface SignedOutElsewhere {
  revoked: string[];
  kept: string[];
}

/** One recent sign-in of the user: a sign-in, a handoff, a device code approved, or Native SSO. */
export interface SignInRecord {
  at: Date;
  kind: 'sign_in' | 'session_transfer' | 'device_code' | 'native_sso';
  sessionId: string | null;
  /** The session's app and device; null once the server no longer stores that session. */
  app: DeviceSession['app'] | null;
  device: DeviceSession['device'] | null;
  /** Where from: the country (ISO 3166 alpha-2) when the server places the address, else the address. */
  place: { country: string } | { ip: string } | null;
}

/** The Authorization (and DPoP) headers of a request, with a freshly refreshed token when asked. */
export type Authorize = (method: string, url: string, forceRefresh: boolean) => Promise<Record<string, string>>;

type Json = Record<string, unknown>;

/**
 * The account API as the signed-in user calls it: each call with the account's access token
 * (DPoP-bound ones with a proof). A token the server no longer takes (it ended early, or
 * the clocks disagree) is refreshed once and the call repeated; a session that has ended
 * then throws `session_ended`.
 */
export class AccountApi {
  constructor(
    private readonly ctx: SdkContext,
    private readonly authorize: Authorize,
  ) {}

  async devices(): Promise<DeviceSession[]> {
    const body = await this.call('GET', 'account/v1/sessions');
    return listOf(body.sessions, 'sessions').map(deviceSession);
  }

  async revoke(sessionId: string): Promise<string[]> {
    const body = await this.call('DELETE', `account/v1/sessions/${encodeURIComponent(sessionId)}`);
    return listOf(body.revoked, 'revoked').map(String);
  }

  async revokeOthers(): Promise<SignedOutElsewhere> {
    const body = await this.call('DELETE', 'account/v1/sessions/others');
    return { revoked: listOf(body.revoked, 'revoked').map(String), kept: listOf(body.kept, 'kept').map(String) };
  }

  async activity(limit?: number): Promise<SignInRecord[]> {
    const body = await this.call('GET', `account/v1/activity${limit === undefined ? '' : `?limit=${limit}`}`);
    return listOf(body.sign_ins, 'sign_ins').map((raw) => {
      const s = raw as Json;
      return {
        at: new Date(String(s.at)),
        kind: s.kind as SignInRecord['kind'],
        sessionId: s.session_id === null ? null : String(s.session_id),
        app: s.app ? appOf(s.app as Json) : null,
        device: s.device ? (s.device as DeviceSession['device']) : null,
        place: (s.place ?? null) as SignInRecord['place'],
      };
    });
  }

  private async call(method: 'GET' | 'DELETE', path: string): Promise<Json> {
    const url = this.ctx.http.url(path);
    let answer = await this.ctx.http.request(method, path, await this.authorize(method, url, false));
    if (answer.status === 401 && answer.body.error === 'invalid_token')
      answer = await this.ctx.http.request(method, path, await this.authorize(method, url, true));
    if (!answer.ok) throw errorFromAnswer(answer);
    return answer.body;
  }
}

function listOf(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value))
    throw new BatonSdkError('invalid_response', `The account API answered without a "${field}" list`);
  return value;
}

const appOf = (app: Json): DeviceSession['app'] => ({
  clientId: String(app.client_id),
  name: app.name === null ? null : String(app.name),
});

const dateOrNull = (value: unknown) => (value === null || value === undefined ? null : new Date(String(value)));

function deviceSession(raw: unknown): DeviceSession {
  const s = raw as Json;
  return {
    id: String(s.id),
    parentId: s.parent_id === null ? null : String(s.parent_id),
    app: appOf(s.app as Json),
    device: s.device as DeviceSession['device'],
    createdAt: new Date(String(s.created_at)),
    lastUsedAt: new Date(String(s.last_used_at)),
    expiresAt: new Date(String(s.expires_at)),
    amr: (s.amr as string[]) ?? [],
    status: s.status as DeviceSession['status'],
    revokedAt: dateOrNull(s.revoked_at),
    revokedReason: s.revoked_reason === null ? null : String(s.revoked_reason),
    current: s.current === true,
  };
}
