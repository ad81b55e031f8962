/**
 * A token set as the domain issues it. The wire adapters choose its shape (OAuth JSON in
 * `http/oauth/token-response.ts`, with MSAL's `client_info` built from the ids).
 */
export interface IssuedTokens {
  kind: 'tokens';
  /** `DPoP` when the access token is bound to a key (its `cnf.jkt`), else `Bearer`. */
  tokenType: 'Bearer' | 'DPoP';
  accessToken: string;
  /** Seconds the access token lives. */
  expiresIn: number;
  scope: string;
  tenantId: string;
  /** The rest belongs to a user's token set only; an app-only token (client_credentials) has none of it. */
  userId?: string;
  refreshToken?: string;
  idToken?: string;
  /** Whether the app's registration allows exporting the refresh token (`--allow-refresh-token-export`). */
  refreshTokenExport?: boolean;
  /** OpenID Connect Native SSO: the device's secret, when the scope has `device_sso`. */
  deviceSecret?: string;
}
