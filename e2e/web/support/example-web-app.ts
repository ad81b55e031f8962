import type { FastifyInstance } from 'fastify';
import { createWebApp } from '../../../examples/web-app/web-app.js';
import type { RegisterAppInput } from '../../../packages/server/src/core/apps/app-service.js';
import type { App, Tenant } from '../../../packages/server/src/core/model.js';
import { freePort } from '../../../packages/server/test/support/free-port.js';
import type { TestServer } from '../../../packages/server/test/support/test-server.js';

export interface RunningWebApp {
  /** Its registration at Baton: redirect URI `{origin}/callback`, logout back to `{origin}/`, accepts session transfers. */
  app: App;
  server: FastifyInstance;
  origin: string;
  close(): Promise<void>;
}

export interface ExampleWebAppOptions {
  /** The tenant it signs in with; the test server's own by default. */
  tenant?: Tenant;
  name?: string;
  bearerAudiences?: string[];
  register?: Partial<RegisterAppInput>;
}

/** The example web app, in this process, on its own 127.0.0.1 port, registered at a tenant of the test server. */
export async function startExampleWebApp(t: TestServer, options: ExampleWebAppOptions = {}): Promise<RunningWebApp> {
  const tenant = options.tenant ?? t.tenant;
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const { app } = await t.services.apps.register(tenant, {
    name: options.name ?? 'Example web app',
    redirectUris: [`${origin}/callback`],
    postLogoutRedirectUris: [`${origin}/`],
    acceptSessionTransfer: true,
    ...options.register,
  });
  const server = await createWebApp({
    issuerBase: `${t.url}/${tenant.name}`,
    clientId: app.clientId,
    publicUrl: origin,
    bearerAudiences: options.bearerAudiences ?? [],
    now: () => t.clock.now(),
  });
  await server.listen({ port, host: '127.0.0.1' });
  return { app, server, origin, close: () => server.close() };
}
