import { domainErrors } from '@baton/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../core/services.js';
import { tenantOf } from '../route-options.js';
import type { PageTenant } from '../web/layout.js';
import { errorPage } from '../web/page-flow.js';
import { describeRefusal } from '../web/sign-in-pages.js';
import type { Refusal } from './as-domain-error.js';

/** The look of an error page whose tenant cannot be found. */
const batonTenant: PageTenant = { displayName: 'Baton', theme: {} };

/**
 * The browser surface's errors: a refused form (CSRF), an expired page, an unknown tenant
 * become a page a person can read, with the status the catalog gives them; anything
 * unexpected is shown without detail.
 */
export function htmlErrorPage(services: Services) {
  return async (refusal: Refusal, request: FastifyRequest, reply: FastifyReply) => {
    const tenant = await tenantOf(services, request).catch(() => batonTenant);
    const { retryAfter } = refusal.error.details;
    // Retry-After (a throttle, an outage) tells a browser or a monitor when to come back, as the JSON surfaces do.
    if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
    return errorPage(reply, tenant, domainErrors[refusal.error.code].status, message(refusal));
  };
}

function message({ error, unexpected }: Refusal): string {
  if (unexpected) return 'Something went wrong on our side. Go back to the app and try again.';
  switch (error.code) {
    // What the browser sent could not be read (too large, not a form): the request's fault, not ours.
    case 'unreadable_request':
    case 'request_too_large':
      return `${error.description}. Go back to the app and try again.`;
    // A continuation token that no longer works is, to a person, a page that has gone stale.
    case 'invalid_continuation_token':
    case 'step_out_of_order':
      return 'This page has expired. Go back to the app and start again.';
    case 'unknown_tenant':
      return 'This sign-in address is not valid.';
    case 'policy_blocked':
      return "This sign-in is not allowed by the organisation's access policy. Ask its administrator if you think it should be.";
    // The account page's sign-out of a session that is another user's, unknown or already ended: one answer for each.
    case 'session_not_found':
      return 'None of your signed-in devices has this sign-in. Go back to your devices and try again.';
    default:
      return describeRefusal(error).message;
  }
}
