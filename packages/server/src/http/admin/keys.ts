import { Type } from 'typebox';
import type { ListedKey } from '../../core/tenants/tenant-service.js';
import { keyView } from '../../views/key-view.js';
import type { AdminRoutes } from './admin-instance.js';
import { adminCallerOf, forReaders, forWriters } from './caller.js';
import { Input, Nullable, responses, TenantParams, Timestamp } from './schemas.js';

const Algorithm = Type.Union([Type.Literal('ES256'), Type.Literal('RS256')]);

const KeyBody = Type.Object({
  kid: Type.String(),
  alg: Algorithm,
  status: Type.Union([Type.Literal('active'), Type.Literal('retired')]),
  public_jwk: Type.Record(Type.String(), Type.Unknown(), { description: 'As the JWKS publishes it' }),
  created_at: Timestamp,
  retired_at: Nullable(Timestamp),
  expires_at: Nullable(Timestamp),
});

const Rotate = Input({
  alg: Type.Optional(
    Type.Union([Type.Literal('ES256'), Type.Literal('RS256')], { description: "Default: the tenant's" }),
  ),
});

/** Public information only (as `baton keys list`, with the public key): the private key never leaves the key ring. */
const keyBody = (key: ListedKey) => ({ ...keyView(key), public_jwk: key.publicJwk });

/** `tenants/{t}/keys`: the signing keys a tenant publishes, and rotating them (as `baton keys rotate`). */
export const keyRoutes: AdminRoutes = (admin, services) => {
  admin.get(
    '/tenants/:tenant/keys',
    {
      config: forReaders,
      schema: {
        summary: 'The signing keys that sign or still verify, newest first (public parts only)',
        params: TenantParams,
        response: responses({ 200: Type.Object({ keys: Type.Array(KeyBody) }) }),
      },
    },
    async (request) => {
      const tenant = await services.tenants.require(request.params.tenant);
      return { keys: (await services.tenants.listKeys(tenant)).map(keyBody) };
    },
  );

  admin.post(
    '/tenants/:tenant/keys/rotate',
    {
      config: forWriters,
      schema: {
        summary: 'Make a new key active; the previous one keeps verifying for the overlap period',
        params: TenantParams,
        body: Rotate,
        response: responses({ 201: Type.Object({ kid: Type.String(), alg: Algorithm }) }),
      },
      // `curl -X POST .../keys/rotate` with no body at all rotates to the tenant's algorithm.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) => {
      const tenant = await services.tenants.require(request.params.tenant);
      const rotated = await services.tenants.rotateKeys(tenant, request.body?.alg, adminCallerOf(request));
      return reply.code(201).send(rotated);
    },
  );
};
