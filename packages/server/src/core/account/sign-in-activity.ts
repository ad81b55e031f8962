import type { Tenant } from '../model.js';
import type { CountryLookup, Repositories } from '../ports.js';
import type { DeviceGraphs, DeviceGraphSession } from '../sessions/device-graph.js';
import type { AccountHolder } from './account-holder.js';

/** The audit events that opened a session of the user, and how each says it happened. */
const signInEvents = {
  'sign_in.succeeded': 'sign_in',
  'session_transfer.redeemed': 'session_transfer',
  'device_code.redeemed': 'device_code',
  'native_sso.exchanged': 'native_sso',
} as const;

export type SignInKind = (typeof signInEvents)[keyof typeof signInEvents];

/** Where a sign-in came from, as coarsely as known: the country, or the address when no country is known. */
export type Place = { country: string } | { ip: string };

/** One sign-in of the user: when, how, into which app and device, from where. */
export interface SignIn {
  at: number;
  kind: SignInKind;
  /** The session it opened; its app and device are null once the session is no longer stored. */
  sessionId: string | null;
  app: DeviceGraphSession['app'] | null;
  device: DeviceGraphSession['device'] | null;
  place: Place | null;
}

export const activityLimits = { default: 20, max: 100 } as const;

/**
 * A user's recent sign-ins, newest first, from the audit log: every event that opened a
 * session (a sign-in, a handoff to a companion or web view, a device code, Native SSO),
 * with the session's app and device, and the place by the country database.
 */
export class SignInActivity {
  constructor(
    private readonly repos: Repositories,
    private readonly graphs: DeviceGraphs,
    private readonly countries: CountryLookup,
  ) {}

  async recent(tenant: Tenant, holder: AccountHolder, limit: number = activityLimits.default): Promise<SignIn[]> {
    const [events, graph] = await Promise.all([
      this.repos.audit.list({
        tenantId: tenant.id,
        userId: holder.userId,
        types: Object.keys(signInEvents),
        limit: Math.min(Math.max(1, limit), activityLimits.max),
      }),
      this.graphs.of(tenant, holder.userId),
    ]);
    const sessions = new Map(graph.map((session) => [session.id, session]));
    return events.map((event) => {
      const session = event.sessionId ? sessions.get(event.sessionId) : undefined;
      return {
        at: event.createdAt,
        kind: signInEvents[event.type as keyof typeof signInEvents],
        sessionId: event.sessionId ?? null,
        app: session?.app ?? null,
        device: session?.device ?? null,
        place: this.placeOf(event.ip ?? null),
      };
    });
  }

  private placeOf(ip: string | null): Place | null {
    if (ip === null) return null;
    const country = this.countries.countryOf(ip);
    return country ? { country } : { ip };
  }
}
