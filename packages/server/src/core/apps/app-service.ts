import { randomUUID } from 'node:crypto';
import { appDefaults } from '../../config/defaults.js';
import { digest, randomToken, safeEqual } from '../../crypto/digest.js';
import type { Clock } from '../clock.js';
import { assertThat, BatonError } from '../errors.js';
import {
  adminLevels,
  mfaRegistrations,
  type AdminLevel,
  type App,
  type AppType,
  type AttributeDefinition,
  type ChallengeType,
  type MfaRegistration,
  type Tenant,
} from '../model.js';
import type { Repositories } from '../ports.js';
import { scopeProblem } from '../tokens/scopes.js';
import { redirectUriProblem } from './redirect-uris.js';

export interface RegisterAppInput {
  name: string;
  type?: AppType;
  challengeTypes?: ChallengeType[];
  redirectUris?: string[];
  allowedOrigins?: string[];
  requireMfa?: boolean;
  mfaRegistration?: MfaRegistration;
  allowRefreshTokenExport?: boolean;
  allowSessionTransfer?: boolean;
  acceptSessionTransfer?: boolean;
  userAttributes?: AttributeDefinition[];
  postLogoutRedirectUris?: string[];
  /** Scopes `client_credentials` may grant (machine clients). */
  scopes?: string[];
  /** Management API access for the app's own tenant (confidential apps only). */
  admin?: AdminLevel | null;
  lifetimes?: Partial<
    Pick<App, 'accessTokenTtl' | 'idTokenTtl' | 'refreshRetryWindow' | 'sessionIdleTtl' | 'sessionAbsoluteTtl'>
  >;
}

export interface RegisteredApp {
  app: App;
  /** Shown once, for confidential apps; only its digest is kept. */
  clientSecret?: string;
}

/** How a client proved who it is at an endpoint. */
export interface ClientCredentials {
  clientId: string | undefined;
  clientSecret?: string | undefined;
}

const challengeTypeNames: readonly ChallengeType[] = ['password', 'oob', 'redirect'];

export class AppService {
  constructor(
    private readonly repos: Repositories,
    private readonly clock: Clock,
  ) {}

  /** The tenant's apps, oldest first. */
  list(tenant: Tenant): Promise<App[]> {
    return this.repos.apps.list(tenant.id);
  }

  async register(tenant: Tenant, input: RegisterAppInput): Promise<RegisteredApp> {
    const type = input.type ?? 'public';
    assertThat(
      input.name.trim().length > 0 && input.name.length <= 200,
      'invalid_setting',
      'An app needs a name of 1-200 characters',
    );
    assertThat(
      type === 'public' || type === 'confidential',
      'invalid_setting',
      'An app type is "public" or "confidential"',
    );
    const challengeTypes = input.challengeTypes ?? ['oob', 'password', 'redirect'];
    for (const challengeType of challengeTypes)
      assertThat(
        challengeTypeNames.includes(challengeType),
        'invalid_setting',
        `Unknown challenge type "${challengeType}" (use oob, password, redirect)`,
      );
    for (const uri of [...(input.redirectUris ?? []), ...(input.postLogoutRedirectUris ?? [])]) {
      const problem = redirectUriProblem(uri);
      if (problem) throw new BatonError('invalid_setting', problem);
    }
    for (const scope of input.scopes ?? []) {
      const problem = scopeProblem(scope);
      if (problem) throw new BatonError('invalid_setting', problem);
    }
    assertThat(
      mfaRegistrations.includes(input.mfaRegistration ?? 'own-address'),
      'invalid_setting',
      `MFA registration is "own-address" or "any-address"`,
    );
    const admin = input.admin ?? null;
    assertThat(admin === null || adminLevels.includes(admin), 'invalid_setting', 'Admin access is "read" or "write"');
    assertThat(
      admin === null || type === 'confidential',
      'invalid_setting',
      'Only a confidential app can have admin access: its tokens come from client_credentials',
    );
    for (const origin of input.allowedOrigins ?? [])
      assertThat(
        isOrigin(origin),
        'invalid_setting',
        `Allowed origin "${origin}" must be scheme://host[:port] with no path`,
      );
    for (const attribute of input.userAttributes ?? []) assertAttributeDefinition(attribute);
    const lifetimes = { ...appDefaults, ...input.lifetimes };
    for (const [name, value] of Object.entries(lifetimes))
      assertThat(
        Number.isInteger(value) && value > 0,
        'invalid_setting',
        `${name} must be a positive whole number of seconds`,
      );

    const clientSecret = type === 'confidential' ? randomToken() : undefined;
    const app: App = {
      clientId: randomUUID(),
      tenantId: tenant.id,
      name: input.name.trim(),
      type,
      secretDigest: clientSecret ? digest(clientSecret) : null,
      challengeTypes: [...new Set(challengeTypes)],
      redirectUris: input.redirectUris ?? [],
      allowedOrigins: input.allowedOrigins ?? [],
      requireMfa: input.requireMfa ?? false,
      mfaRegistration: input.mfaRegistration ?? 'own-address',
      allowRefreshTokenExport: input.allowRefreshTokenExport ?? false,
      allowSessionTransfer: input.allowSessionTransfer ?? false,
      acceptSessionTransfer: input.acceptSessionTransfer ?? false,
      ...lifetimes,
      userAttributes: input.userAttributes ?? [],
      postLogoutRedirectUris: input.postLogoutRedirectUris ?? [],
      scopes: [...new Set(input.scopes ?? [])],
      admin,
      createdAt: this.clock.now(),
    };
    await this.repos.apps.create(app);
    return clientSecret ? { app, clientSecret } : { app };
  }

  /**
   * The app a request names. Public apps identify themselves with `client_id`; a
   * confidential app must also present its secret, compared in constant time.
   */
  async authenticate(
    tenant: Tenant,
    credentials: ClientCredentials,
    options: { requireSecret?: boolean } = {},
  ): Promise<App> {
    // Where only an authenticated client may call (introspection), no credentials is a failed authentication (RFC 7662 §2.1).
    assertThat(
      credentials.clientId,
      options.requireSecret ? 'client_authentication_failed' : 'malformed_request',
      'client_id is required',
    );
    const app = await this.repos.apps.find(tenant.id, credentials.clientId);
    if (!app)
      throw new BatonError(
        'unknown_client',
        `Application "${credentials.clientId}" was not found in tenant "${tenant.name}"`,
      );
    if (app.type === 'confidential' || options.requireSecret) {
      const ok =
        app.secretDigest !== null &&
        credentials.clientSecret !== undefined &&
        safeEqual(digest(credentials.clientSecret), app.secretDigest);
      if (!ok) throw new BatonError('client_authentication_failed', 'Client authentication failed');
    } else if (credentials.clientSecret !== undefined) {
      throw new BatonError('client_authentication_failed', 'A public client has no secret');
    }
    return app;
  }
}

function assertAttributeDefinition(definition: AttributeDefinition): void {
  assertThat(
    /^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(definition.name),
    'invalid_setting',
    `Attribute name "${definition.name}" must be a letter then letters, digits or underscores`,
  );
  assertThat(
    ['string', 'boolean', 'number'].includes(definition.type),
    'invalid_setting',
    `Attribute "${definition.name}" has an unknown type "${definition.type}" (string, boolean, number)`,
  );
  if (definition.regex !== undefined) {
    try {
      new RegExp(definition.regex, 'u');
    } catch {
      throw new BatonError('invalid_setting', `Attribute "${definition.name}" has an invalid regular expression`);
    }
  }
}

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}
