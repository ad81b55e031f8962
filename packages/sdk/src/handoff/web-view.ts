import type { SdkContext } from '../context.js';
import type { SessionTransferSource } from '../tokens/session-transfer.js';

/**
 * The web app's own authorization request, as its code flow needs it back at its redirect
 * URI: the web app makes the PKCE verifier, state and nonce and keeps them; the native
 * app only carries the public half here.
 */
export interface WebViewAuthorizeParams {
  redirect_uri: string;
  /** S256 challenge of the web app's PKCE verifier. */
  code_challenge: string;
  code_challenge_method?: 'S256';
  state?: string;
  nonce?: string;
  /** `openid profile offline_access` by default. */
  scope?: string;
  /** Anything else the web app asks for (`login_hint`, `prompt`, ...). */
  [name: string]: string | undefined;
}

/**
 * Baton's authorization endpoint for the web app `webClientId`, with `params` and a fresh
 * session transfer token asked for exactly as the companion handoff asks (RFC 8693, the
 * phone's refresh token neither consumed nor rotated). The view that opens it is signed in
 * without a prompt, in a browser session below this account's session.
 */
export async function webViewUrl(
  account: SessionTransferSource,
  ctx: SdkContext,
  webClientId: string,
  params: WebViewAuthorizeParams,
): Promise<string> {
  const { token } = await account.requestSessionTransfer(webClientId);
  const url = new URL(ctx.http.url('oauth2/v2.0/authorize'));
  const all = {
    response_type: 'code',
    scope: 'openid profile offline_access',
    code_challenge_method: 'S256',
    ...params,
    client_id: webClientId,
    session_transfer_token: token,
  };
  for (const [name, value] of Object.entries(all)) if (value !== undefined) url.searchParams.set(name, value);
  return url.toString();
}
