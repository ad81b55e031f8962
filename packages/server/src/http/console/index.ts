import cookie from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../core/services.js';
import type { WriteError } from '../errors/write-error.js';
import { html } from '../web/html.js';
import { Csrf } from '../web/security.js';
import { appPages } from './app-pages.js';
import { auditPage } from './audit-page.js';
import { consoleDeps, page } from './console-deps.js';
import { consoleStylesheet, sendPage } from './console-layout.js';
import { consolePath } from './console-session.js';
import { ApiRefusal, SignInAgain } from './management-api.js';
import { policyPage } from './policy-page.js';
import { signInPages } from './sign-in-pages.js';
import { tenantPages } from './tenant-pages.js';
import { userPages } from './user-pages.js';

/**
 * The operator console at `/admin/`: server-rendered pages over the management API,
 * which every handler calls in-process with the signed-in operator's credential; served
 * wherever the management API is.
 */
export async function registerConsole(
  app: FastifyInstance,
  services: Services,
  publicUrl: string,
  writeError: WriteError,
): Promise<void> {
  await app.register(
    async (scope) => {
      await scope.register(cookie);
      const deps = consoleDeps(app, services, publicUrl, new Csrf(services.csrfKey));
      scope.setErrorHandler((error, request, reply) => {
        if (error instanceof SignInAgain) {
          deps.sessions.clear(reply);
          return reply.redirect(`${consolePath}/sign-in${error.reason === 'expired' ? '?expired=1' : ''}`, 303);
        }
        const operator = deps.operatorOf(request);
        if (error instanceof ApiRefusal)
          return sendPage(
            reply,
            { title: 'Not available', problem: error.problem, ...(operator ? { signedIn: operator.banner } : {}) },
            html`<p><a href="${consolePath}/tenants">Back to the tenants</a></p>`,
          );
        return writeError(error, request, reply, 'html');
      });
      scope.setNotFoundHandler((_request, reply) =>
        sendPage(
          reply,
          { title: 'Page not found', status: 404 },
          html`<p>The console has no such page. <a href="${consolePath}/tenants">Go to the tenants</a>.</p>`,
        ),
      );
      scope.get('/assets/console.css', page, async (_request, reply) =>
        reply
          .type('text/css; charset=utf-8')
          .header('cache-control', 'public, max-age=3600')
          .removeHeader('pragma')
          .send(consoleStylesheet),
      );
      scope.get('/', page, async (_request, reply) => reply.redirect(`${consolePath}/tenants`, 303));
      for (const pages of [signInPages, tenantPages, appPages, userPages, auditPage, policyPage]) pages(scope, deps);
    },
    { prefix: consolePath },
  );
}
