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
import { systemCaller, type AdminCaller } from '../audit/admin-caller.js';
import type { AuditLog } from '../audit/audit-log.js';
import { definedOnly } from '../defined-only.js';
import { pageByCreation, type Page, type PageRequest } from '../paging.js';
import type { SessionService } from '../sessions/session-service.js';
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
  /** The Native SSO group, or null for none. */
  ssoGroup?: string | null;
  deviceCode?: boolean;
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

/** What an update may change: any setting registration takes but the type; what is left out stays. */
export type UpdateAppInput = Partial<Omit<RegisterAppInput, 'type'>>;

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

/** An app's settings: what registration sets and an update changes. */
type AppSettings = Omit<App, 'clientId' | 'tenantId' | 'type' | 'secretDigest' | 'createdAt'>;

const defaultSettings: AppSettings = {
  name: '',
  challengeTypes: ['oob', 'password', 'redirect'],
  redirectUris: [],
  allowedOrigins: [],
  requireMfa: false,
  mfaRegistration: 'own-address',
  allowRefreshTokenExport: false,
  allowSessionTransfer: false,
  acceptSessionTransfer: false,
  ssoGroup: null,
  deviceCode: false,
  ...appDefaults,
  userAttributes: [],
  postLogoutRedirectUris: [],
  scopes: [],
  admin: null,
};

export class AppService {
  constructor(
    private readonly repos: Repositories,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly sessions: SessionService,
  ) {}

  /** The tenant's apps, oldest first. */
  list(tenant: Tenant): Promise<App[]> {
    return this.repos.apps.list(tenant.id);
  }

  /** The tenant's apps, oldest first, a page at a time. */
  async page(tenant: Tenant, request: PageRequest = {}): Promise<Page<App>> {
    return pageByCreation(await this.list(tenant), request, (app) => ({ createdAt: app.createdAt, id: app.clientId }));
  }

  async get(tenant: Tenant, clientId: string): Promise<App> {
    const app = await this.repos.apps.find(tenant.id, clientId);
    if (!app)
      throw new BatonError('unknown_client', `Application "${clientId}" was not found in tenant "${tenant.name}"`);
    return app;
  }

  async register(tenant: Tenant, input: RegisterAppInput, caller: AdminCaller = systemCaller): Promise<RegisteredApp> {
    const type = input.type ?? 'public';
    assertThat(
      type === 'public' || type === 'confidential',
      'invalid_setting',
      'An app type is "public" or "confidential"',
      { setting: 'type' },
    );
    const settings = applySettings(defaultSettings, input, type);
    const clientSecret = type === 'confidential' ? randomToken() : undefined;
    const app: App = {
      clientId: randomUUID(),
      tenantId: tenant.id,
      type,
      secretDigest: clientSecret ? digest(clientSecret) : null,
      ...settings,
      createdAt: this.clock.now(),
    };
    await this.repos.apps.create(app);
    await this.audit.recordAdmin(
      { tenantId: tenant.id, type: 'app.created', clientId: app.clientId, data: { type, settings } },
      caller,
    );
    return clientSecret ? { app, clientSecret } : { app };
  }

  /** Changes the settings `input` names, by the rules registration follows; returns the app as it is now. */
  async update(
    tenant: Tenant,
    clientId: string,
    input: UpdateAppInput,
    caller: AdminCaller = systemCaller,
  ): Promise<App> {
    const current = await this.get(tenant, clientId);
    assertThat(
      !('type' in input) || (input as RegisterAppInput).type === current.type,
      'invalid_setting',
      "An app's type cannot change; register another app",
      { setting: 'type' },
    );
    const updated: App = { ...current, ...applySettings(current, input, current.type) };
    await this.repos.apps.update(updated);
    await this.audit.recordAdmin(
      {
        tenantId: tenant.id,
        type: 'app.updated',
        clientId,
        data: { before: settingsOf(current), after: settingsOf(updated) },
      },
      caller,
    );
    return updated;
  }

  /**
   * Deletes the app and revokes every session it opened, with their children (a watch's
   * session under a deleted phone app's ends too): its refresh tokens stop working at once.
   * Deleting an app that is not there (again) is no error: `deleted` is false.
   */
  async delete(
    tenant: Tenant,
    clientId: string,
    caller: AdminCaller = systemCaller,
  ): Promise<{ deleted: boolean; revokedSessions: string[] }> {
    const deleted = await this.repos.apps.delete(tenant.id, clientId);
    // After the row is gone no new session can open here; sessions opened before are revoked now.
    const revokedSessions = await this.sessions.revokeClient(tenant, clientId, 'app_deleted', caller.context);
    if (deleted)
      await this.audit.recordAdmin(
        { tenantId: tenant.id, type: 'app.deleted', clientId, data: { sessions: revokedSessions } },
        caller,
      );
    return { deleted, revokedSessions };
  }

  /** A new secret for a confidential app, returned once; the previous one stops working at once. */
  async rotateSecret(tenant: Tenant, clientId: string, caller: AdminCaller = systemCaller): Promise<RegisteredApp> {
    const current = await this.get(tenant, clientId);
    assertThat(current.type === 'confidential', 'invalid_setting', 'A public app has no client secret to rotate', {
      setting: 'type',
    });
    const clientSecret = randomToken();
    const app: App = { ...current, secretDigest: digest(clientSecret) };
    await this.repos.apps.update(app);
    await this.audit.recordAdmin({ tenantId: tenant.id, type: 'app.secret_rotated', clientId }, caller);
    return { app, clientSecret };
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

/** `base` with the settings `input` names, checked as a whole: the rules of registration and of every update. */
function applySettings(base: AppSettings, input: UpdateAppInput, type: AppType): AppSettings {
  // The type is set once, at registration: it is no setting.
  const { lifetimes, type: _type, ...given } = input as RegisterAppInput;
  const settings: AppSettings = { ...base, ...definedOnly(given), ...definedOnly(lifetimes ?? {}) };
  assertThat(
    typeof settings.name === 'string' && settings.name.trim().length > 0 && settings.name.length <= 200,
    'invalid_setting',
    'An app needs a name of 1-200 characters',
    { setting: 'name' },
  );
  for (const challengeType of settings.challengeTypes)
    assertThat(
      challengeTypeNames.includes(challengeType),
      'invalid_setting',
      `Unknown challenge type "${challengeType}" (use oob, password, redirect)`,
      { setting: 'challengeTypes' },
    );
  for (const setting of ['redirectUris', 'postLogoutRedirectUris'] as const)
    for (const uri of settings[setting]) {
      const problem = redirectUriProblem(uri);
      if (problem) throw new BatonError('invalid_setting', problem, { setting });
    }
  for (const scope of settings.scopes) {
    const problem = scopeProblem(scope);
    if (problem) throw new BatonError('invalid_setting', problem, { setting: 'scopes' });
  }
  assertThat(
    mfaRegistrations.includes(settings.mfaRegistration),
    'invalid_setting',
    `MFA registration is "own-address" or "any-address"`,
    { setting: 'mfaRegistration' },
  );
  for (const origin of settings.allowedOrigins)
    assertThat(
      isOrigin(origin),
      'invalid_setting',
      `Allowed origin "${origin}" must be scheme://host[:port] with no path`,
      { setting: 'allowedOrigins' },
    );
  assertThat(
    settings.admin === null || adminLevels.includes(settings.admin),
    'invalid_setting',
    'Admin access is "read" or "write"',
    { setting: 'admin' },
  );
  assertThat(
    settings.ssoGroup === null || /^[\x21-\x7E]{1,100}$/.test(settings.ssoGroup),
    'invalid_setting',
    'An SSO group is a name of 1-100 printable characters without spaces',
    { setting: 'ssoGroup' },
  );
  assertThat(
    settings.admin === null || type === 'confidential',
    'invalid_setting',
    'Only a confidential app can have admin access: its tokens come from client_credentials',
    { setting: 'admin' },
  );
  for (const attribute of settings.userAttributes) assertAttributeDefinition(attribute);
  for (const name of lifetimeNames)
    assertThat(
      Number.isInteger(settings[name]) && settings[name] > 0,
      'invalid_setting',
      `${name} must be a positive whole number of seconds`,
      { setting: name },
    );
  return {
    ...settings,
    name: settings.name.trim(),
    challengeTypes: [...new Set(settings.challengeTypes)],
    scopes: [...new Set(settings.scopes)],
  };
}

const lifetimeNames = Object.keys(appDefaults) as Array<keyof typeof appDefaults>;

/** What the audit trail keeps of an app: its settings, never its secret's digest. */
function settingsOf(app: App): AppSettings {
  const {
    clientId: _id,
    tenantId: _tenant,
    type: _type,
    secretDigest: _secret,
    createdAt: _created,
    ...settings
  } = app;
  return settings;
}

function assertAttributeDefinition(definition: AttributeDefinition): void {
  assertThat(
    /^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(definition.name),
    'invalid_setting',
    `Attribute name "${definition.name}" must be a letter then letters, digits or underscores`,
    { setting: 'userAttributes' },
  );
  assertThat(
    ['string', 'boolean', 'number'].includes(definition.type),
    'invalid_setting',
    `Attribute "${definition.name}" has an unknown type "${definition.type}" (string, boolean, number)`,
    { setting: 'userAttributes' },
  );
  if (definition.regex !== undefined) {
    try {
      new RegExp(definition.regex, 'u');
    } catch {
      throw new BatonError('invalid_setting', `Attribute "${definition.name}" has an invalid regular expression`, {
        setting: 'userAttributes',
      });
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
