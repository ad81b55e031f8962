import type { SignInResult } from '../../core/flows/steps.js';
import type { DeviceHint } from '../../core/flows/sign-in-completion.js';
import type { App, RequestContext, Tenant } from '../../core/model.js';
import type { Services } from '../../core/services.js';

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

/** One grant type at the token endpoint: its name, who may use it, and its handler. */
export interface Grant {
  type: string;
  /** Why `app` may not use this grant, or null when it may. */
  refuse?(app: App): string | null;
  /** Tokens, or (native-auth grants only) Entra's redirect answer. */
  handle(ctx: GrantContext): Promise<SignInResult>;
}
