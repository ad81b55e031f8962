import { randomUUID } from 'node:crypto';
import { tenantDefaults } from '../../config/defaults.js';
import { generateSigningKey } from '../keys/key-ring.js';
import type { MasterKey } from '../../crypto/master-key.js';
import type { Clock } from '../clock.js';
import { assertThat, BatonError } from '../errors.js';
import type { SigningAlgorithm, SigningKey, Tenant, TenantTheme } from '../model.js';
import type { Repositories } from '../ports.js';
import { definedOnly } from '../defined-only.js';
import { byCreation, pageByCreation, type Page, type PageRequest } from '../paging.js';
import { systemCaller, type AdminCaller } from '../audit/admin-caller.js';
import type { AuditLog } from '../audit/audit-log.js';

/** A signing key as it is shown: never its private part. */
export type ListedKey = Pick<
  SigningKey,
  'kid' | 'alg' | 'status' | 'publicJwk' | 'createdAt' | 'retiredAt' | 'expiresAt'
>;

const tenantName = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Names that would shadow a route of their own under `{public_url}/`. */
const reservedNames = new Set([
  'admin',
  'api',
  'health',
  'healthz',
  'static',
  'assets',
  'well-known',
  '.well-known',
  'v2.0',
  'oauth2',
]);

/**
 * A tenant's settings. At an update, what is left out stays; a theme field set to null or
 * '' removes it (the hosted pages fall back to Baton's look).
 */
export interface UpdateTenantInput {
  displayName?: string;
  /** At an update, a new signing key of this algorithm signs from then on (as `rotateKeys`). */
  signingAlg?: SigningAlgorithm;
  codeLength?: number;
  theme?: { logoUrl?: string | null; color?: string | null };
}

export interface CreateTenantInput extends UpdateTenantInput {
  name: string;
}

export class TenantService {
  constructor(
    private readonly repos: Repositories,
    private readonly masterKey: MasterKey,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
  ) {}

  async create(input: CreateTenantInput, caller: AdminCaller = systemCaller): Promise<Tenant> {
    assertThat(
      typeof input.name === 'string' && tenantName.test(input.name) && !reservedNames.has(input.name),
      'invalid_setting',
      'A tenant name is 1-63 lower-case letters, digits or hyphens, starting with a letter or digit, and not a reserved word',
      { setting: 'name' },
    );
    const tenant: Tenant = {
      id: randomUUID(),
      name: input.name,
      displayName: input.displayName ?? input.name,
      signingAlg: input.signingAlg ?? tenantDefaults.signingAlgorithm,
      codeLength: input.codeLength ?? 8,
      theme: themeOf(input.theme ?? {}),
      createdAt: this.clock.now(),
    };
    assertTenantSettings(tenant);
    if (!(await this.repos.tenants.create(tenant)))
      throw new BatonError('tenant_exists', `A tenant named "${input.name}" already exists`);
    await this.audit.recordAdmin(
      { tenantId: tenant.id, type: 'tenant.created', data: { name: tenant.name, settings: settingsOf(tenant) } },
      caller,
    );
    await this.rotateKeys(tenant, tenant.signingAlg, caller);
    return tenant;
  }

  /** Every tenant, oldest first. */
  list(): Promise<Tenant[]> {
    return this.repos.tenants.list();
  }

  /** The tenants, oldest first, a page at a time. */
  async page(request: PageRequest = {}): Promise<Page<Tenant>> {
    return pageByCreation(await this.list(), request, byCreation);
  }

  async require(name: string): Promise<Tenant> {
    // A URL segment that cannot be a tenant name is not looked up (PostgreSQL refuses NUL bytes, for one).
    const tenant = tenantName.test(name) ? await this.repos.tenants.findByName(name) : null;
    if (!tenant) throw new BatonError('unknown_tenant', `Tenant "${name}" not found`);
    return tenant;
  }

  /** Changes the settings `input` names; the same rules as at creation. Returns the tenant as it is now. */
  async update(tenant: Tenant, input: UpdateTenantInput, caller: AdminCaller = systemCaller): Promise<Tenant> {
    const updated: Tenant = {
      ...tenant,
      ...definedOnly({ displayName: input.displayName, signingAlg: input.signingAlg, codeLength: input.codeLength }),
      theme: themeOf({ ...tenant.theme, ...input.theme }),
    };
    assertTenantSettings(updated);
    await this.repos.tenants.update(updated);
    await this.audit.recordAdmin(
      {
        tenantId: tenant.id,
        type: 'tenant.updated',
        data: { before: settingsOf(tenant), after: settingsOf(updated) },
      },
      caller,
    );
    if (updated.signingAlg !== tenant.signingAlg) await this.rotateKeys(updated, updated.signingAlg, caller);
    return updated;
  }

  /**
   * Deletes the tenant and everything in it (README, "The baton command"): its apps, users, sessions,
   * keys and its own audit trail. A `tenant.deleted` event outside any tenant records who
   * did it. Tokens it issued stop working at once (no key, no session, no app to refresh).
   */
  async delete(tenant: Tenant, caller: AdminCaller = systemCaller): Promise<{ deleted: boolean }> {
    const deleted = await this.repos.tenants.delete(tenant.id);
    if (deleted)
      await this.audit.recordAdmin(
        { tenantId: null, type: 'tenant.deleted', data: { tenantId: tenant.id, name: tenant.name } },
        caller,
      );
    return { deleted };
  }

  /** The keys that sign or still verify, newest first: public parts and dates only. */
  async listKeys(tenant: Tenant): Promise<ListedKey[]> {
    const keys = await this.repos.signingKeys.listPublished(tenant.id, this.clock.now());
    return keys.map(({ kid, alg, status, publicJwk, createdAt, retiredAt, expiresAt }) => ({
      kid,
      alg,
      status,
      publicJwk,
      createdAt,
      retiredAt,
      expiresAt,
    }));
  }

  /** A new key signs from now on; the previous one still verifies until the overlap ends. */
  async rotateKeys(
    tenant: Tenant,
    alg: SigningAlgorithm = tenant.signingAlg,
    caller: AdminCaller = systemCaller,
  ): Promise<{ kid: string; alg: SigningAlgorithm }> {
    assertThat(signingAlgorithms.includes(alg), 'invalid_setting', 'The signing algorithm is ES256 or RS256', {
      setting: 'alg',
    });
    const now = this.clock.now();
    const key = await generateSigningKey(tenant.id, alg, this.masterKey, now);
    await this.repos.signingKeys.activate(key, now, now + tenantDefaults.keyRetirementOverlap * 1000);
    await this.audit.recordAdmin({ tenantId: tenant.id, type: 'keys.rotated', data: { kid: key.kid, alg } }, caller);
    return { kid: key.kid, alg };
  }
}

const signingAlgorithms: readonly SigningAlgorithm[] = ['ES256', 'RS256'];

/** The rules a tenant's settings follow, at creation and at every update. */
function assertTenantSettings(tenant: Tenant): void {
  assertThat(
    typeof tenant.displayName === 'string' && tenant.displayName.trim().length > 0 && tenant.displayName.length <= 200,
    'invalid_setting',
    'The display name must be 1-200 characters',
    { setting: 'displayName' },
  );
  assertThat(
    signingAlgorithms.includes(tenant.signingAlg),
    'invalid_setting',
    'The signing algorithm is ES256 or RS256',
    {
      setting: 'signingAlg',
    },
  );
  assertThat(
    tenant.theme.color === undefined || /^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20})$/.test(tenant.theme.color),
    'invalid_setting',
    'The theme colour must be #rgb, #rrggbb or a colour name',
    { setting: 'color' },
  );
  assertThat(
    tenant.theme.logoUrl === undefined || /^https:\/\/[^\s"'<>]+$/.test(tenant.theme.logoUrl),
    'invalid_setting',
    'The logo URL must be an https:// URL',
    { setting: 'logoUrl' },
  );
  assertThat(
    Number.isInteger(tenant.codeLength) && tenant.codeLength >= 6 && tenant.codeLength <= 8,
    'invalid_setting',
    'The one-time code length must be 6, 7 or 8',
    { setting: 'codeLength' },
  );
}

/** The theme without the fields set to null or '' (removed). */
function themeOf(theme: NonNullable<UpdateTenantInput['theme']>): TenantTheme {
  return Object.fromEntries(Object.entries(theme).filter(([, value]) => value !== null && value !== '')) as TenantTheme;
}

/** What the audit trail keeps of a tenant's settings. */
function settingsOf(tenant: Tenant) {
  return {
    displayName: tenant.displayName,
    signingAlg: tenant.signingAlg,
    codeLength: tenant.codeLength,
    theme: tenant.theme,
  };
}
