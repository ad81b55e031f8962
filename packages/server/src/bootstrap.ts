import type { Services } from './core/services.js';
import type { App, Tenant } from './core/model.js';

export interface DemoSetup {
  tenant: Tenant;
  app: App;
  created: boolean;
}

/**
 * On an empty database, creates the tenant `demo` with a public native-auth app, so a
 * newcomer can sign in right after `npm start`. Later starts find and report them.
 */
export async function ensureDemoTenant(services: Services): Promise<DemoSetup | null> {
  const tenants = await services.repos.tenants.list();
  const existing = tenants.find((t) => t.name === 'demo');
  if (existing) {
    const app = (await services.repos.apps.list(existing.id))[0];
    return app ? { tenant: existing, app, created: false } : null;
  }
  if (tenants.length > 0) return null;
  const tenant = await services.tenants.create({ name: 'demo', displayName: 'Baton demo' });
  const { app } = await services.apps.register(tenant, {
    name: 'Demo native app',
    type: 'public',
    challengeTypes: ['oob', 'password', 'redirect'],
  });
  return { tenant, app, created: true };
}
