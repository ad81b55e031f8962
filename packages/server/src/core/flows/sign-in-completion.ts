import type { TokenResponse } from '@baton/protocol';
import type { AuditLog } from '../audit/audit-log.js';
import type { App, RequestContext, Tenant, User } from '../model.js';
import type { SessionService } from '../sessions/session-service.js';
import { grantedUserScope } from '../tokens/scopes.js';
import type { TokenIssuer } from '../tokens/token-issuer.js';

/** What the client told us about the device it runs on. */
export interface DeviceHint {
  name: string;
  platform: string;
}

export interface CompletedSignIn {
  tenant: Tenant;
  app: App;
  user: User;
  /** RFC 8176 methods the user just proved: `pwd`, `otp`... */
  amr: string[];
  requestedScope: string[];
  device: DeviceHint;
  context: RequestContext;
}

/** The last step of every sign-in, whatever the credential: open a session, issue tokens, audit. */
export class SignInCompletion {
  constructor(private readonly sessions: SessionService, private readonly tokens: TokenIssuer, private readonly audit: AuditLog) {}

  async complete(s: CompletedSignIn): Promise<TokenResponse> {
    const active = await this.sessions.open({
      tenant: s.tenant, app: s.app, user: s.user, amr: s.amr, scope: grantedUserScope(s.requestedScope),
      device: { ...s.device, kind: 'primary' },
    });
    await this.audit.record({
      tenantId: s.tenant.id, type: 'sign_in.succeeded', userId: s.user.id, clientId: s.app.clientId, sessionId: active.session.id, data: { amr: s.amr },
    }, s.context);
    return this.tokens.forUser({ tenant: s.tenant, app: s.app, user: active.user, session: active.session, scope: active.scope, refreshToken: active.refreshToken });
  }
}
