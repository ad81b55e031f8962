import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FlowStep } from '../../core/flows/steps.js';
import type { DomainAnswer } from '../errors/json-error.js';
import { nativeAuthErrorResponse } from '../errors/native-auth-error.js';

/** What each step tells the caller, after the AADSTS number the catalog gives it. */
function describeStep(step: FlowStep): string {
  switch (step.kind) {
    case 'mfa_required':
      return 'Multi-factor authentication is required: verify with one of your registered methods';
    case 'registration_required':
      return 'Multi-factor authentication is required: register a verification method first';
    case 'credential_required':
      return 'A password is required to finish creating the account';
    case 'attributes_required':
      return `Required attributes are missing: ${step.attributes.map((a) => a.name).join(', ')}`;
  }
}

/** A flow step as the catalog (domainErrors) renders its code, with the continuation token and any attributes. */
function stepAnswer(step: FlowStep): DomainAnswer {
  return {
    code: step.kind,
    description: describeStep(step),
    details: {
      continuationToken: step.continuationToken,
      ...(step.kind === 'attributes_required' ? { attributes: step.attributes } : {}),
    },
  };
}

/**
 * Sends a flow step the way Entra's clients expect it: an error body whose `error`,
 * `suberror` and `error_codes` (from the catalog) name the step, and which carries the
 * continuation token to go on with. A step is not a failure; only this wire makes it look like one.
 */
export function sendFlowStep(request: FastifyRequest, reply: FastifyReply, step: FlowStep) {
  const response = nativeAuthErrorResponse(stepAnswer(step), request.id);
  return reply.code(response.status).headers(response.headers).send(response.body);
}
