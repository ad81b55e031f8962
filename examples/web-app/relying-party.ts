import * as oidc from 'openid-client';

/** What the browser must bring back to finish a sign-in: kept server-side, bound to its cookie. */
export interface PendingLogin {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface SignedIn {
  claims: oidc.IDToken;
  idToken: string;
  accessToken: string;
  refreshToken: string | undefined;
  expiresAt: number;
}

/**
 * The web app as an OpenID Connect relying party, with openid-client: discovery, the
 * authorization code flow with PKCE (S256), state and nonce, and ID tokens checked in full
 * (signature against the JWKS, issuer, audience, lifetime, nonce).
 */
export class RelyingParty {
  private constructor(
    readonly config: oidc.Configuration,
    private readonly redirectUri: string,
    private readonly now: () => number,
  ) {}

  /** `issuer` is `{BATON_PUBLIC_URL}/{tenant}/v2.0`; plain http is accepted only when `insecure` (development). */
  static async discover(options: {
    issuer: string;
    clientId: string;
    redirectUri: string;
    insecure: boolean;
    now: () => number;
  }): Promise<RelyingParty> {
    const config = await oidc.discovery(new URL(options.issuer), options.clientId, undefined, oidc.None(), {
      ...(options.insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
    });
    // The ID token comes straight from the token endpoint, so checking its signature is optional in OIDC; an example should show it.
    oidc.enableNonRepudiationChecks(config);
    return new RelyingParty(config, options.redirectUri, options.now);
  }

  /**
   * Where to send the browser to sign in, and what to keep until it comes back. `extra`
   * passes authorization parameters through: `prompt`, `login_hint`, and a web view's
   * `session_transfer_token`, which signs it in without a prompt.
   */
  async startLogin(extra: Record<string, string> = {}): Promise<{ url: URL; pending: PendingLogin }> {
    const pending = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier: oidc.randomPKCECodeVerifier(),
    };
    const url = oidc.buildAuthorizationUrl(this.config, {
      ...extra,
      redirect_uri: this.redirectUri,
      response_type: 'code',
      // baton.account: the home page lists the user's devices from Baton's account API.
      scope: 'openid profile offline_access baton.account',
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url, pending };
  }

  /** Checks the redirect back (state, `iss`, errors), redeems the code with the PKCE verifier and validates the ID token. */
  async finishLogin(callbackUrl: URL, pending: PendingLogin): Promise<SignedIn> {
    const tokens = await oidc.authorizationCodeGrant(this.config, callbackUrl, {
      pkceCodeVerifier: pending.codeVerifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    return this.signedIn(tokens);
  }

  /** A refresh: new tokens, or a ResponseBodyError (`invalid_grant` once the session behind them has ended). */
  async refresh(current: SignedIn): Promise<SignedIn> {
    if (!current.refreshToken) throw new Error('No refresh token');
    return this.signedIn(await oidc.refreshTokenGrant(this.config, current.refreshToken));
  }

  /** RP-initiated logout at Baton, coming back to `returnTo` (registered with --post-logout-redirect-uri). */
  logoutUrl(signedIn: SignedIn | undefined, returnTo: string): URL {
    return oidc.buildEndSessionUrl(this.config, {
      post_logout_redirect_uri: returnTo,
      ...(signedIn ? { id_token_hint: signedIn.idToken } : {}),
    });
  }

  private signedIn(tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers): SignedIn {
    const claims = tokens.claims();
    if (!claims || !tokens.id_token) throw new Error('The token response has no ID token');
    return {
      claims,
      idToken: tokens.id_token,
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token,
      expiresAt: this.now() + (tokens.expiresIn() ?? 0) * 1000,
    };
  }
}
