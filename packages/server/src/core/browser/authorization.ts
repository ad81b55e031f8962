import { digest, randomToken } from '../../crypto/digest.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import { assertThat, BatonError } from '../errors.js';
import type { App, ClientAddress, RequestContext, Session, Tenant } from '../model.js';
import type { Repositories } from '../ports.js';
import { sessionEndReason } from '../sessions/refresh-tokens.js';
import { meetsAppPolicy } from '../sessions/session-policy.js';
import type { SessionService } from '../sessions/session-service.js';
import { mayRedirectTo } from '../apps/redirect-uris.js';
import { pkceValue, verifierMatches } from '../tokens/pkce.js';
import { grantedUserScope, parseScope } from '../tokens/scopes.js';
import type { IssuedTokens } from '../tokens/issued-tokens.js';
import type { TokenIssuer } from '../tokens/token-issuer.js';
import type { RequestThrottle } from '../abuse/request-throttle.js';
import type { ContinuationTokens } from '../flows/continuation-tokens.js';

/** Seconds an authorization code lives (RFC 6749 recommends at most 10 minutes; a redirect takes one). */
export const authorizationCodeTtl = 60;

/** A validated authorization request: what the app asked for and where the answer goes. */
export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  scope: string[];
  state?: string;
  nonce?: string;
  codeChallenge: string;
  prompt?: 'none' | 'login';
  /** Seconds since the user last proved who they are beyond which they must do it again (OIDC `max_age`). */
  maxAge?: number;
  loginHint?: string;
}

export interface AuthorizationParams {
  client_id?: string | undefined;
  redirect_uri?: string | undefined;
  response_type?: string | undefined;
  scope?: string | undefined;
  state?: string | undefined;
  nonce?: string | undefined;
  code_challenge?: string | undefined;
  code_challenge_method?: string | undefined;
  prompt?: string | undefined;
  max_age?: string | undefined;
  login_hint?: string | undefined;
}

/**
 * The authorization code flow with PKCE (S256 only) and exact redirect-URI matching. Codes
 * are single-use (compare-and-set); a replayed code revokes the session its first use opened.
 */
export class Authorization {
  constructor(
    private readonly repos: Repositories,
    private readonly sessions: SessionService,
    private readonly tokens: TokenIssuer,
    private readonly continuations: ContinuationTokens,
    private readonly throttle: RequestThrottle,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  /**
   * The app and redirect URI a request names. Failing here must not redirect anywhere
   * (the redirect URI is not trusted yet): the caller shows an error page.
   */
  async client(tenant: Tenant, params: AuthorizationParams): Promise<{ app: App; redirectUri: string }> {
    const app = params.client_id ? await this.repos.apps.find(tenant.id, params.client_id) : null;
    if (!app) throw new BatonError('unknown_client', 'The application is unknown: check client_id');
    if (!mayRedirectTo(app.redirectUris, params.redirect_uri)) {
      throw new BatonError(
        'unregistered_redirect_uri',
        'The redirect_uri is not registered for this application (it must match exactly) or is not an allowed redirect URI',
      );
    }
    return { app, redirectUri: params.redirect_uri };
  }

  /** The rest of the request; failing here redirects the error to the app (RFC 6749 §4.1.2.1). */
  parse(app: App, redirectUri: string, params: AuthorizationParams): AuthorizationRequest {
    assertThat(params.response_type === 'code', 'unsupported_response_type', 'Only response_type=code is supported');
    assertThat(
      params.code_challenge !== undefined,
      'malformed_request',
      'PKCE is required: send code_challenge and code_challenge_method=S256',
    );
    assertThat(params.code_challenge_method === 'S256', 'malformed_request', 'code_challenge_method must be S256');
    assertThat(
      pkceValue.test(params.code_challenge),
      'malformed_request',
      'code_challenge must be 43-128 characters of base64url',
    );
    assertThat(
      params.prompt === undefined || ['none', 'login', 'consent', 'select_account'].includes(params.prompt),
      'malformed_request',
      `prompt "${params.prompt}" is not supported`,
    );
    assertThat(
      params.max_age === undefined || /^\d{1,9}$/.test(params.max_age),
      'malformed_request',
      'max_age must be a whole number of seconds',
    );
    for (const [name, value] of Object.entries({
      state: params.state,
      nonce: params.nonce,
      login_hint: params.login_hint,
    })) {
      assertThat(value === undefined || value.length <= 2048, 'malformed_request', `${name} is too long`);
    }
    return {
      clientId: app.clientId,
      redirectUri,
      scope: parseScope(params.scope),
      codeChallenge: params.code_challenge,
      ...(params.state !== undefined ? { state: params.state } : {}),
      ...(params.nonce !== undefined ? { nonce: params.nonce } : {}),
      ...(params.prompt === 'none' || params.prompt === 'login' ? { prompt: params.prompt } : {}),
      ...(params.max_age !== undefined ? { maxAge: Number(params.max_age) } : {}),
      ...(params.login_hint !== undefined ? { loginHint: params.login_hint } : {}),
    };
  }

  /**
   * Whether an existing sign-in (the SSO cookie's session, or the app session behind a
   * transfer token) may answer `request` without a new one: not with `prompt=login`, not
   * when older than `max_age`, and not when `app` requires a second factor it lacks.
   */
  accepts(request: AuthorizationRequest, app: App, session: Session): boolean {
    if (request.prompt === 'login' || !meetsAppPolicy(app, session)) return false;
    return request.maxAge === undefined || session.authTime >= this.clock.now() - request.maxAge * 1000;
  }

  /**
   * Keeps `request` while the browser signs in on the hosted pages: the token the pages
   * carry it by. Each one is a stored row, so showing the pages counts as starting a flow
   * (the per-address limit), or anyone could fill the database with requests.
   */
  async awaitSignIn(tenant: Tenant, app: App, request: AuthorizationRequest, client: ClientAddress): Promise<string> {
    await this.throttle.flowStart(tenant.id, client);
    return this.continuations.issue(tenant, app, 'authorize', null, request);
  }

  /** A code for `request`, issued from the browser session. */
  async issueCode(tenant: Tenant, request: AuthorizationRequest, browserSession: Session): Promise<string> {
    const code = randomToken();
    const now = this.clock.now();
    await this.repos.authorizationCodes.insert({
      digest: digest(code),
      tenantId: tenant.id,
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      scope: grantedUserScope(request.scope),
      nonce: request.nonce ?? null,
      browserSessionId: browserSession.id,
      createdAt: now,
      expiresAt: now + authorizationCodeTtl * 1000,
      consumedAt: null,
      issuedSessionId: null,
    });
    return code;
  }

  /** `grant_type=authorization_code`: checks client, redirect URI and PKCE, then uses the code once and opens the app's session. */
  async exchange(
    tenant: Tenant,
    app: App,
    input: {
      code: string | undefined;
      redirectUri: string | undefined;
      codeVerifier: string | undefined;
      dpopJkt: string | null;
      context: RequestContext;
    },
  ): Promise<IssuedTokens> {
    const invalid = (description: string) => new BatonError('invalid_authorization_code', description);
    if (!input.code) throw new BatonError('malformed_request', 'code is required');
    const record = await this.repos.authorizationCodes.find(digest(input.code));
    if (!record || record.tenantId !== tenant.id || record.clientId !== app.clientId)
      throw invalid('The authorization code is invalid');
    // Client, redirect URI and PKCE first: only someone who could have redeemed the code is
    // replaying it. Anyone else (a code seen in a log or a referrer) is refused and revokes nothing.
    if (input.redirectUri !== record.redirectUri)
      throw invalid('redirect_uri does not match the authorization request');
    if (!input.codeVerifier || !pkceValue.test(input.codeVerifier))
      throw invalid('code_verifier is missing or malformed (PKCE)');
    if (!verifierMatches(input.codeVerifier, record.codeChallenge))
      throw invalid('code_verifier does not match the code_challenge (PKCE)');
    if (record.consumedAt !== null)
      return this.replayed(record.digest, record.issuedSessionId, tenant, app, input.context);
    const now = this.clock.now();
    if (now >= record.expiresAt) throw invalid('The authorization code has expired');
    if (!(await this.repos.authorizationCodes.consume(record.digest, now)))
      return this.replayed(record.digest, null, tenant, app, input.context);

    const browser = await this.sessions.find(record.browserSessionId);
    const user = browser ? await this.repos.users.findById(tenant.id, browser.userId) : null;
    if (!browser || !user || sessionEndReason(browser, now))
      throw invalid('The browser session behind this code has ended');
    const active = await this.sessions.open({
      tenant,
      app,
      user,
      amr: browser.amr,
      scope: record.scope,
      parent: browser,
      device: { name: 'browser', platform: 'web', kind: 'browser' },
      existingDeviceId: browser.deviceId,
      dpopJkt: input.dpopJkt,
    });
    await this.repos.authorizationCodes.setIssuedSession(record.digest, active.session.id);
    await this.audit.record(
      {
        tenantId: tenant.id,
        type: 'sign_in.succeeded',
        userId: user.id,
        clientId: app.clientId,
        sessionId: active.session.id,
        data: { amr: browser.amr, via: 'authorization_code' },
      },
      input.context,
    );
    return this.tokens.issue({ tenant, app, session: active, ...(record.nonce ? { nonce: record.nonce } : {}) });
  }

  /** A second use of a code: whoever has it now, the session its first use opened is no longer trusted. */
  private async replayed(
    codeDigest: string,
    issuedSessionId: string | null,
    tenant: Tenant,
    app: App,
    context: RequestContext,
  ): Promise<never> {
    const sessionId =
      issuedSessionId ?? (await this.repos.authorizationCodes.find(codeDigest))?.issuedSessionId ?? null;
    if (sessionId) await this.sessions.revoke(sessionId, 'authorization_code_replay', context);
    await this.audit.record(
      { tenantId: tenant.id, type: 'authorization_code.replayed', clientId: app.clientId, sessionId },
      context,
    );
    throw new BatonError(
      'authorization_code_reused',
      'The authorization code was already used; the tokens it issued have been revoked',
    );
  }
}
