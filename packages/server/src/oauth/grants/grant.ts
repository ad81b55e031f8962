import type { SignInResult } from '../../core/flows/steps.js';
import type { DeviceHint } from '../../core/flows/sign-in-completion.js';
import type { App, RequestContext, Tenant } from '../../core/model.js';
import type { Services } from '../../core/services.js';
import type { IssuedTokens } from '../../core/tokens/issued-tokens.js';

/** Everything a grant handler gets: the authenticated app and the raw token-request parameters. */
export interface GrantContext {
  services: Services;
  tenant: Tenant;
  app: App;
  params: Record<string, unknown>;
  context: RequestContext;
  /** The device, with the key of the request's verified DPoP proof (`dpopJkt`) when it carried one. */
  device: DeviceHint;
}

/** What an RFC 8693 token exchange issued, which its answer names (`issued_token_type`). */
export type Exchanged =
  | { kind: 'session_transfer'; token: string; expiresIn: number }
  | { kind: 'exchanged_tokens'; tokens: IssuedTokens };

/** Tokens, (native-auth grants only) Entra's redirect answer, or what a token exchange issued. */
export type GrantResult = SignInResult | Exchanged;

/** One grant type at the token endpoint: its name, who may use it, and its handler. */
export interface Grant {
  type: string;
  /** Why `app` may not use this grant, or null when it may. */
  refuse?(app: App): string | null;
  handle(ctx: GrantContext): Promise<GrantResult>;
}
