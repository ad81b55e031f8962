import cookie from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../core/services.js';
import type { WriteError } from '../errors/write-error.js';
import { accountPages } from './account-pages.js';
import { authorizeRoute } from './authorize-route.js';
import { devicePages } from './device-pages.js';
import { stylesheet } from './layout.js';
import { logoutRoute } from './logout-route.js';
import { Csrf } from './security.js';
import { resetPages } from './reset-pages.js';
import { signInPages } from './sign-in-pages.js';
import { signUpPages } from './sign-up-pages.js';
import { switchAccountPages } from './switch-account.js';

/** The browser surface: authorization endpoint, hosted pages, logout, and their stylesheet. */
export async function registerWeb(app: FastifyInstance, services: Services, publicUrl: string, writeError: WriteError) {
  const deps = { services, publicUrl, csrf: new Csrf(services.csrfKey) };
  app.get('/assets/baton.css', async (_request, reply) =>
    reply
      .type('text/css; charset=utf-8')
      .header('cache-control', 'public, max-age=3600')
      .removeHeader('pragma')
      .send(stylesheet),
  );
  await app.register(async (web) => {
    // cookies are the browser's business: the API endpoints neither read nor set them
    await web.register(cookie);
    web.setErrorHandler((error, request, reply) => writeError(error, request, reply, 'html'));
    for (const routes of [
      authorizeRoute,
      signInPages,
      switchAccountPages,
      signUpPages,
      resetPages,
      logoutRoute,
      devicePages,
      accountPages,
    ])
      routes(web, deps);
  });
}
