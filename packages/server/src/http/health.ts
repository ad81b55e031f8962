import type { FastifyInstance } from 'fastify';
import type { Services } from '../core/services.js';

/** A database that has not answered in this long counts as down: a probe must not hang with it. */
const databaseTimeoutMs = 2000;

/**
 * `GET /healthz` for load balancers and orchestrators: 200 while the database answers, 503
 * when it does not (unreachable, gone, or slower than 2 s), so an instance that cannot
 * serve is taken out of rotation rather than failing every request.
 */
export function registerHealth(app: FastifyInstance, services: Services) {
  app.get('/healthz', async (request, reply) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${databaseTimeoutMs} ms`)), databaseTimeoutMs);
    });
    try {
      await Promise.race([services.repos.health.ping(), timeout]);
      return { status: 'ok', database: 'ok' };
    } catch (error) {
      request.log.warn({ err: error }, 'health check: the database does not answer');
      return reply.code(503).send({ status: 'unavailable', database: 'unreachable' });
    } finally {
      clearTimeout(timer);
    }
  });
}
