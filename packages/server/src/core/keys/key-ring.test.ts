import { randomBytes } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantDefaults } from '../../config/defaults.js';
import { fixedClock } from '../clock.js';
import type { Tenant } from '../model.js';
import type { Repositories } from '../ports.js';
import { AuditLog } from '../audit/audit-log.js';
import { TenantService } from '../tenants/tenant-service.js';
import { migrate, openDatabase, type DatabaseHandle } from '../../storage/database.js';
import { createRepositories } from '../../storage/repositories/index.js';
import { MasterKey } from '../../crypto/master-key.js';
import { generateSigningKey, KeyRing } from './key-ring.js';

const masterKey = MasterKey.fromString(randomBytes(32).toString('base64'));
const clock = fixedClock();
const overlapMs = tenantDefaults.keyRetirementOverlap * 1000;

let handle: DatabaseHandle;
let repos: Repositories;
let tenants: TenantService;
let ring: KeyRing;
beforeAll(async () => {
  handle = openDatabase(':memory:');
  await migrate(handle);
  repos = createRepositories(handle);
  tenants = new TenantService(repos, masterKey, clock, new AuditLog(repos.audit, clock));
  ring = new KeyRing(repos.signingKeys, masterKey, clock);
});
afterAll(async () => {
  await handle?.close();
});

let tenantCount = 0;
const newTenant = (signingAlg?: Tenant['signingAlg']) =>
  tenants.create({ name: `keys-${tenantCount++}`, ...(signingAlg ? { signingAlg } : {}) });
const sign = async (tenant: Tenant) =>
  (await ring.signer(tenant.id))({ sub: 'user-1', iat: Math.floor(clock.now() / 1000) });
const kids = async (tenant: Tenant) => (await ring.jwks(tenant.id)).keys.map((key) => key.kid);
const verify = async (tenant: Tenant, token: string) => jwtVerify(token, await ring.verifier(tenant.id));

describe('generateSigningKey', () => {
  it.each(['ES256', 'RS256'] as const)(
    'makes a %s key whose public JWK is named by its thumbprint and carries no private part',
    async (alg) => {
      const key = await generateSigningKey('tenant-1', alg, masterKey, clock.now());
      expect(key).toMatchObject({
        tenantId: 'tenant-1',
        alg,
        status: 'active',
        createdAt: clock.now(),
        retiredAt: null,
        expiresAt: null,
      });
      expect(key.publicJwk).toMatchObject({ kid: key.kid, alg, use: 'sig', kty: alg === 'ES256' ? 'EC' : 'RSA' });
      expect(key.kid).toMatch(/^[\w-]{43}$/);
      expect(key.publicJwk).not.toHaveProperty('d');
      expect(key.privateJwkSealed).toMatch(/^v1\./);
    },
  );
});

describe('KeyRing', () => {
  it("signs with the tenant's active key, which its JWKS publishes", async () => {
    const tenant = await newTenant();
    const token = await sign(tenant);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', kid: (await kids(tenant))[0] });
    expect((await verify(tenant, token)).payload.sub).toBe('user-1');
  });

  it('signs RS256 for a tenant that chose it', async () => {
    const tenant = await newTenant('RS256');
    const token = await sign(tenant);
    expect(decodeProtectedHeader(token).alg).toBe('RS256');
    expect((await ring.jwks(tenant.id)).keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256' });
    await expect(verify(tenant, token)).resolves.toBeTruthy();
  });

  it('after a rotation signs with the new key and still verifies tokens of the old one until it retires', async () => {
    const tenant = await newTenant();
    const [oldKid] = await kids(tenant);
    const oldToken = await sign(tenant);
    clock.advance(1000);
    const { kid: newKid } = await tenants.rotateKeys(tenant);
    expect(newKid).not.toBe(oldKid);

    const newToken = await sign(tenant);
    expect(decodeProtectedHeader(newToken).kid).toBe(newKid);
    expect(await kids(tenant)).toEqual([newKid, oldKid]);
    await expect(verify(tenant, oldToken)).resolves.toBeTruthy();

    clock.advance(overlapMs);
    expect(await kids(tenant)).toEqual([newKid]);
    await expect(verify(tenant, oldToken)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
    await expect(verify(tenant, newToken)).resolves.toBeTruthy();
  });

  it('follows a rotation made elsewhere at once, although it cached the old private key', async () => {
    const tenant = await newTenant();
    await sign(tenant);
    const { kid } = await new TenantService(repos, masterKey, clock, new AuditLog(repos.audit, clock)).rotateKeys(
      tenant,
      'RS256',
    );
    expect(decodeProtectedHeader(await sign(tenant))).toMatchObject({ kid, alg: 'RS256' });
  });

  it('refuses to sign for a tenant without a key', async () => {
    await expect(ring.signer('no-such-tenant')).rejects.toThrow(/no active signing key/);
  });
});
