import { Type } from 'typebox';
import { evaluationPoints } from '../../core/policy/policy-document.js';
import { policyDecisionView, policyView } from '../../views/policy-view.js';
import type { AdminRoutes } from './admin-instance.js';
import { adminCallerOf, forReaders, forWriters } from './caller.js';
import { Input, Nullable, responses, TenantParams, Timestamp } from './schemas.js';

/**
 * The document as the domain reads it (core/policy/policy-document.ts): checked there, field by
 * field, so the API and `baton policy set` refuse the same documents with the same words.
 */
const PolicyDocument = Type.Object(
  { rules: Type.Array(Type.Record(Type.String(), Type.Unknown())) },
  {
    additionalProperties: false,
    description: 'Rules with name, state, at, when (CEL) and then; see docs/policy.md',
  },
);

const PolicyBody = Type.Object({
  version: Type.Integer({ description: '0 when no policy was ever set' }),
  document: PolicyDocument,
  created_at: Nullable(Timestamp),
  created_by: Nullable(Type.String()),
});

const Point = Type.Union(evaluationPoints.map((point) => Type.Literal(point)));

const WhatIf = Input({
  email: Type.String({ minLength: 1, maxLength: 320, description: "The account's email" }),
  client_id: Type.String({ minLength: 1, maxLength: 100 }),
  at: Point,
  ip: Type.Optional(Type.String({ maxLength: 45 })),
  device_kind: Type.Optional(Type.String({ maxLength: 20, description: 'Default: primary' })),
  platform: Type.Optional(Type.String({ maxLength: 100 })),
  amr: Type.Optional(Type.Array(Type.String({ maxLength: 20 }), { maxItems: 10, description: 'Default: ["pwd"]' })),
  document: Type.Optional(PolicyDocument),
});

const Decision = Type.Object({
  decision: Type.Union([Type.Literal('allow'), Type.Literal('block'), Type.Literal('require_mfa')]),
  rules: Type.Array(Type.String()),
  report_only: Type.Array(Type.String()),
  failed: Type.Array(Type.Object({ rule: Type.String(), message: Type.String() })),
  limits: Type.Object({
    max_session_seconds: Type.Optional(Type.Integer()),
    forbid_session_transfer: Type.Boolean(),
    forbid_refresh_token_export: Type.Boolean(),
  }),
  version: Type.Integer({ description: '0 when a document was given in place of the one in force' }),
  facts: Type.Record(Type.String(), Type.Unknown(), { description: 'The variables the rules were evaluated on' }),
});

/** `tenants/{t}/policy`: the conditional-access document (as `baton policy show|set|what-if`). */
export const policyRoutes: AdminRoutes = (admin, services) => {
  admin.get(
    '/tenants/:tenant/policy',
    {
      config: forReaders,
      schema: {
        summary: 'The version in force and its document',
        params: TenantParams,
        response: responses({ 200: PolicyBody }),
      },
    },
    async (request) => policyView(await services.policies.show(await services.tenants.require(request.params.tenant))),
  );

  admin.put(
    '/tenants/:tenant/policy',
    {
      config: forWriters,
      schema: {
        summary: 'Check and compile a document and make it the next version, in force on every instance within 2 s',
        params: TenantParams,
        body: PolicyDocument,
        response: responses({ 200: Type.Object({ version: Type.Integer() }) }),
      },
    },
    async (request) => {
      const tenant = await services.tenants.require(request.params.tenant);
      return services.policies.set(tenant, request.body, adminCallerOf(request));
    },
  );

  admin.post(
    '/tenants/:tenant/policy/what-if',
    {
      config: forReaders,
      schema: {
        summary: 'Evaluate a request that did not happen against the version in force (or a document given)',
        params: TenantParams,
        body: WhatIf,
        response: responses({ 200: Decision }),
      },
    },
    async (request) => {
      const tenant = await services.tenants.require(request.params.tenant);
      const { email, client_id, at, ip, device_kind, platform, amr, document } = request.body;
      const answer = await services.policies.whatIf(
        tenant,
        {
          email,
          clientId: client_id,
          at,
          ...(ip === undefined ? {} : { ip }),
          ...(device_kind === undefined ? {} : { deviceKind: device_kind }),
          ...(platform === undefined ? {} : { platform }),
          ...(amr === undefined ? {} : { amr }),
        },
        document,
      );
      return policyDecisionView(answer);
    },
  );
};
