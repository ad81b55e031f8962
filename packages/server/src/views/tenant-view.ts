import type { Tenant } from '../core/model.js';

/** A tenant as `baton tenant list --json` and the management API show it: every setting. */
export function tenantView(tenant: Tenant) {
  return {
    id: tenant.id,
    name: tenant.name,
    display_name: tenant.displayName,
    signing_alg: tenant.signingAlg,
    code_length: tenant.codeLength,
    theme: {
      ...(tenant.theme.logoUrl ? { logo_url: tenant.theme.logoUrl } : {}),
      ...(tenant.theme.color ? { color: tenant.theme.color } : {}),
    },
    created_at: new Date(tenant.createdAt).toISOString(),
  };
}
