import { domainErrors } from '@baton/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../core/services.js';
import { discardUnreadBody } from '../unread-body.js';
import { asDomainError, type Refusal } from './as-domain-error.js';
import { htmlErrorPage } from './html-error.js';
import type { JsonErrorResponse } from './json-error.js';
import { nativeAuthErrorResponse } from './native-auth-error.js';
import { nativeAuthV2ErrorResponse } from './native-auth-v2-error.js';
import { oauthErrorResponse } from './oauth-error.js';
import { problemResponse } from './problem-details.js';
import type { WireFormat } from './wire-format.js';

type ErrorWriter = (refusal: Refusal, request: FastifyRequest, reply: FastifyReply) => unknown;

/** Answers with `error` in a wire format (the route's, unless the caller names one). */
export type WriteError = (error: unknown, request: FastifyRequest, reply: FastifyReply, format?: WireFormat) => unknown;

/** An error answer with a JSON body: OAuth, native-auth or problem details. */
type JsonAnswer = Pick<JsonErrorResponse, 'status' | 'headers'> & { body: object };

const sendJson = (reply: FastifyReply, response: JsonAnswer) =>
  reply.code(response.status).headers(response.headers).send(response.body);

/**
 * The format for a request no route took (a URL the router cannot read, a path that does
 * not exist): problem details under the management API's prefix, OAuth JSON elsewhere.
 */
function wireOfUnroutedRequest(url: string): WireFormat {
  return url.startsWith('/admin/') ? 'problem' : 'oauth';
}

/**
 * The one place an error becomes a response: the error as a domain error, logged (in full
 * when the caller was not meant to see it), the unread body discarded, and the writer of
 * the wire format chosen.
 */
export function errorWriter(services: Services): WriteError {
  const writers: Record<WireFormat, ErrorWriter> = {
    oauth: (refusal, _request, reply) => sendJson(reply, oauthErrorResponse(refusal.error)),
    'native-auth': (refusal, request, reply) => sendJson(reply, nativeAuthErrorResponse(refusal.error, request.id)),
    'native-auth-v2': (refusal, request, reply) =>
      sendJson(reply, nativeAuthV2ErrorResponse(refusal.error, request.id)),
    html: htmlErrorPage(services),
    problem: (refusal, request, reply) => sendJson(reply, problemResponse(refusal.error, request.id)),
  };
  return (error, request, reply, format = request.routeOptions.config?.wire ?? wireOfUnroutedRequest(request.url)) => {
    const refusal = asDomainError(error);
    const { code, description } = refusal.error;
    if (refusal.unexpected) request.log.error({ err: error }, 'unexpected error');
    else request.log.info({ error: domainErrors[code].oauth, code, description }, 'request refused');
    discardUnreadBody(request, reply);
    return writers[format](refusal, request, reply);
  };
}
