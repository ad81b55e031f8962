import type { FastifyInstance, HTTPMethods } from 'fastify';
import { BatonError } from '../core/errors.js';
import type { WireFormat } from './errors/wire-format.js';

const methods: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];

/**
 * A path that exists answers the methods it does not take with 405 and `Allow` (RFC 9110
 * §15.5.6), in the path's wire format, rather than the 404 of a path that does not exist.
 * Call it before any route is added; call what it returns once they all are.
 */
export function answerOtherMethods(app: FastifyInstance): () => void {
  const paths = new Map<string, { allowed: Set<string>; wire: WireFormat }>();
  let collecting = true;
  app.addHook('onRoute', (route) => {
    if (!collecting) return;
    const entry = paths.get(route.url) ?? { allowed: new Set<string>(), wire: route.config?.wire ?? 'oauth' };
    for (const method of [route.method].flat()) entry.allowed.add(method);
    paths.set(route.url, entry);
  });
  return () => {
    collecting = false;
    for (const [url, { allowed, wire }] of paths) {
      // Fastify answers HEAD for every GET route itself.
      if (allowed.has('GET')) allowed.add('HEAD');
      const others = methods.filter((m) => !allowed.has(m));
      if (others.length === 0) continue;
      const allow = [...new Set([...allowed, 'OPTIONS'])].join(', ');
      app.route({
        method: others,
        url,
        config: { wire },
        handler: async (request, reply) => {
          reply.header('allow', allow);
          // A preflight never gets here (cors.ts answers it); a plain OPTIONS asks what the path takes.
          if (request.method === 'OPTIONS') return reply.code(204).send();
          throw new BatonError(
            'method_not_allowed',
            `The endpoint only accepts ${allow} requests. Received a ${request.method} request`,
          );
        },
      });
    }
  };
}
