/** Grant and token-type identifiers that cross the wire. */
export const grantTypes = {
  password: 'password',
  oob: 'oob',
  mfaOob: 'mfa_oob',
  continuationToken: 'continuation_token',
  refreshToken: 'refresh_token',
  authorizationCode: 'authorization_code',
  clientCredentials: 'client_credentials',
  tokenExchange: 'urn:ietf:params:oauth:grant-type:token-exchange',
  deviceCode: 'urn:ietf:params:oauth:grant-type:device_code',
} as const;

export const tokenTypes = {
  accessToken: 'urn:ietf:params:oauth:token-type:access_token',
  refreshToken: 'urn:ietf:params:oauth:token-type:refresh_token',
  idToken: 'urn:ietf:params:oauth:token-type:id_token',
  sessionTransferToken: 'urn:baton:params:oauth:token-type:session_transfer_token',
  /** OpenID Connect Native SSO 1.0: the `actor_token` of the exchange. */
  deviceSecret: 'urn:openid:params:token-type:device-secret',
} as const;

/** The successful answer of the token endpoint. */
export interface TokenResponse {
  /** `N_A` for a token that is not an access token (RFC 8693), such as a session transfer token. */
  token_type: 'Bearer' | 'DPoP' | 'N_A';
  access_token: string;
  expires_in: number;
  ext_expires_in?: number;
  scope?: string;
  refresh_token?: string;
  id_token?: string;
  client_info?: string;
  issued_token_type?: string;
  /** Present on user tokens of apps registered with --allow-refresh-token-export. */
  refresh_token_export?: 'allowed';
  /** OpenID Connect Native SSO 1.0: the device's secret, when the scope has `device_sso`. */
  device_secret?: string;
}
