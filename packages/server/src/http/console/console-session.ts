import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../core/clock.js';
import type { MasterKey } from '../../crypto/master-key.js';

/** Who the console acts as, and with which bearer token it calls the management API. */
export type ConsoleCredential =
  | { kind: 'operator'; token: string; expiresAt: number }
  | { kind: 'app'; token: string; tenant: string; clientId: string; expiresAt: number };

export const consoleCookie = 'baton_console';

/** Everything the console serves lives under this path, and so do its cookies. */
export const consolePath = '/admin';

/** How long a sign-in with BATON_ADMIN_TOKEN lasts: a working day. An app's lasts as long as its access token. */
export const operatorSignInMs = 8 * 3600_000;

/** The AES-GCM associated data: a value sealed for another purpose does not open here. */
const sealContext = 'baton:console-credential:v1';

/**
 * The console's sign-in, kept in one cookie: HttpOnly, SameSite=Strict, Path=/admin,
 * Secure when the public URL is https. The credential is sealed with the master key
 * (AES-256-GCM), never stored as it is: the cookie is useless as a Bearer token
 * elsewhere, cannot be altered (the expiry it carries included), and stops opening when
 * the master key changes.
 */
export class ConsoleSessions {
  constructor(
    private readonly seal: Pick<MasterKey, 'encrypt' | 'decrypt'>,
    private readonly clock: Clock,
    private readonly publicUrl: string,
  ) {}

  save(reply: FastifyReply, credential: ConsoleCredential): void {
    const maxAge = Math.max(1, Math.floor((credential.expiresAt - this.clock.now()) / 1000));
    reply.setCookie(consoleCookie, this.seal.encrypt(JSON.stringify(credential), sealContext), {
      ...this.cookieOptions(),
      maxAge,
    });
  }

  /** The credential of this browser: null without one (or one that does not open), `expired` past its time. */
  read(request: FastifyRequest): ConsoleCredential | 'expired' | null {
    const sealed = request.cookies[consoleCookie];
    if (!sealed) return null;
    let credential: ConsoleCredential;
    try {
      credential = JSON.parse(this.seal.decrypt(sealed, sealContext)) as ConsoleCredential;
    } catch {
      return null;
    }
    return credential.expiresAt <= this.clock.now() ? 'expired' : credential;
  }

  clear(reply: FastifyReply): void {
    reply.clearCookie(consoleCookie, this.cookieOptions());
  }

  private cookieOptions() {
    return {
      path: consolePath,
      httpOnly: true,
      sameSite: 'strict' as const,
      secure: this.publicUrl.startsWith('https://'),
    };
  }
}
