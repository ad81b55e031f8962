import { randomUUID } from 'node:crypto';
import { tenantDefaults } from '../../config/defaults.js';
import { generateSigningKey } from '../keys/key-ring.js';
import type { MasterKey } from '../../crypto/master-key.js';
import type { Clock } from '../clock.js';
import { assertThat, BatonError } from '../errors.js';
import type { SigningAlgorithm, Tenant, TenantTheme } from '../model.js';
import type { Repositories } from '../ports.js';

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

export interface CreateTenantInput {
  name: string;
  displayName?: string;
  signingAlg?: SigningAlgorithm;
  codeLength?: number;
  theme?: TenantTheme;
}

export class TenantService {
  constructor(
    private readonly repos: Repositories,
    private readonly masterKey: MasterKey,
    private readonly clock: Clock,
  ) {}

  async create(input: CreateTenantInput): Promise<Tenant> {
    assertThat(
      tenantName.test(input.name) && !reservedNames.has(input.name),
      'invalid_setting',
      'A tenant name is 1-63 lower-case letters, digits or hyphens, starting with a letter or digit, and not a reserved word',
    );
    const codeLength = input.codeLength ?? 8;
    assertThat(
      input.theme?.color === undefined || /^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20})$/.test(input.theme.color),
      'invalid_setting',
      'The theme colour must be #rgb, #rrggbb or a colour name',
    );
    assertThat(
      input.theme?.logoUrl === undefined || /^https:\/\/[^\s"'<>]+$/.test(input.theme.logoUrl),
      'invalid_setting',
      'The logo URL must be an https:// URL',
    );
    assertThat(
      Number.isInteger(codeLength) && codeLength >= 6 && codeLength <= 8,
      'invalid_setting',
      'The one-time code length must be 6, 7 or 8',
    );
    const now = this.clock.now();
    const tenant: Tenant = {
      id: randomUUID(),
      name: input.name,
      displayName: input.displayName ?? input.name,
      signingAlg: input.signingAlg ?? tenantDefaults.signingAlgorithm,
      codeLength,
      theme: input.theme ?? {},
      createdAt: now,
    };
    if (!(await this.repos.tenants.create(tenant)))
      throw new BatonError('tenant_exists', `A tenant named "${input.name}" already exists`);
    await this.rotateKeys(tenant);
    return tenant;
  }

  /** Every tenant, oldest first. */
  list(): Promise<Tenant[]> {
    return this.repos.tenants.list();
  }

  async require(name: string): Promise<Tenant> {
    // A URL segment that cannot be a tenant name is not looked up (PostgreSQL refuses NUL bytes, for one).
    const tenant = tenantName.test(name) ? await this.repos.tenants.findByName(name) : null;
    if (!tenant) throw new BatonError('unknown_tenant', `Tenant "${name}" not found`);
    return tenant;
  }

  /** A new key signs from now on; the previous one still verifies until the overlap ends. */
  async rotateKeys(
    tenant: Tenant,
    alg: SigningAlgorithm = tenant.signingAlg,
  ): Promise<{ kid: string; alg: SigningAlgorithm }> {
    const now = this.clock.now();
    const key = await generateSigningKey(tenant.id, alg, this.masterKey, now);
    await this.repos.signingKeys.activate(key, now, now + tenantDefaults.keyRetirementOverlap * 1000);
    return { kid: key.kid, alg };
  }
}
