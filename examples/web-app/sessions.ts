import { randomBytes } from 'node:crypto';
import type { PendingLogin, SignedIn } from './relying-party.js';

/** The web app's own session: a sign-in in progress, then the signed-in user and their tokens. */
export interface WebSession {
  pending?: PendingLogin;
  signedIn?: SignedIn;
}

export const sessionCookie = 'webapp_session';

/**
 * Sessions in memory, named by a random cookie value. An example keeps it small: a real
 * deployment keeps them in a shared store so several instances can serve one user.
 */
export class Sessions {
  private readonly byId = new Map<string, WebSession>();

  get(id: string | undefined): WebSession | undefined {
    return id ? this.byId.get(id) : undefined;
  }

  create(): { id: string; session: WebSession } {
    const id = randomBytes(32).toString('base64url');
    const session: WebSession = {};
    this.byId.set(id, session);
    return { id, session };
  }

  end(id: string | undefined): void {
    if (id) this.byId.delete(id);
  }
}

/** HttpOnly, SameSite=Lax (it must come along on the redirect back from Baton), Secure over https. */
export function sessionCookieOptions(publicUrl: string) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: publicUrl.startsWith('https://') };
}
