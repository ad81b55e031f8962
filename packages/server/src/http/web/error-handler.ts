import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { BatonError } from '../../core/errors.js';
import type { Services } from '../../core/services.js';
import { toWireError } from '../errors.js';
import { discardUnreadBody } from '../unread-body.js';
import { tenantOf } from '../route-options.js';
import type { PageTenant } from './layout.js';
import { errorPage } from './page-flow.js';
import { describeRefusal } from './sign-in-pages.js';

/** The look of an error page whose tenant cannot be found. */
const batonTenant: PageTenant = { displayName: 'Baton', theme: {} };

/**
 * The HTML mapper of the browser surface: a refused form (CSRF), an expired page, an
 * unknown tenant become a page a person can read, with the status the error catalog gives
 * them; anything unexpected is logged in full and shown without detail.
 */
export function webErrorHandler(services: Services) {
  return async (error: FastifyError | BatonError, request: FastifyRequest, reply: FastifyReply) => {
    const wire = toWireError(error, 'oauth', request.id);
    if (wire.unexpected) request.log.error({ err: error }, 'unexpected error');
    else request.log.info({ error: wire.body.error, description: wire.body.error_description }, 'page refused');
    discardUnreadBody(request, reply);
    const tenant = await tenantOf(services, request).catch(() => batonTenant);
    // Retry-After (a throttle, an outage) tells a browser or a monitor when to come back, as the JSON surfaces do.
    if (wire.headers['retry-after']) reply.header('retry-after', wire.headers['retry-after']);
    return errorPage(reply, tenant, wire.status, message(error, wire));
  };
}

function message(error: unknown, wire: ReturnType<typeof toWireError>): string {
  if (wire.unexpected) return 'Something went wrong on our side. Go back to the app and try again.';
  // What the browser sent could not be read (too large, not a form): the request's fault, not ours.
  if (!(error instanceof BatonError)) return `${wire.body.error_description}. Go back to the app and try again.`;
  // A continuation token that no longer works is, to a person, a page that has gone stale.
  if (error.details.errorCodes?.includes(55200)) return 'This page has expired. Go back to the app and start again.';
  if (error.code === 'invalid_tenant') return 'This sign-in address is not valid.';
  return describeRefusal(error).message;
}
