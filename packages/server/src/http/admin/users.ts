import { Type } from 'typebox';
import { definedOnly } from '../../core/defined-only.js';
import { userView } from '../../views/user-view.js';
import type { AdminRoutes } from './admin-instance.js';
import { adminCallerOf, forReaders, forWriters } from './caller.js';
import { pageAnswer, pageBody, pageQuery } from './pagination.js';
import { Input, Nullable, responses, TenantParams, Timestamp } from './schemas.js';

const UserBody = Type.Object({
  id: Type.String(),
  email: Type.String(),
  email_verified: Type.Boolean(),
  display_name: Nullable(Type.String()),
  attributes: Type.Record(Type.String(), Type.Unknown()),
  created_at: Timestamp,
});

const CreateUser = Input({
  email: Type.String({ minLength: 3, maxLength: 254 }),
  password: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'Omit for a code-only account' })),
  display_name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  email_verified: Type.Optional(Type.Boolean({ description: 'Default true, as `baton user create`' })),
});

const AttributeValue = Type.Union([Type.String({ maxLength: 256 }), Type.Number(), Type.Boolean()]);

/** The fields of `baton user update`; what is left out stays. */
const UpdateUser = Input({
  display_name: Type.Optional(Nullable(Type.String({ maxLength: 200 }), { description: 'null removes it' })),
  email_verified: Type.Optional(Type.Boolean()),
  password: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 256,
      description: 'Replaced; sessions stay signed in (revoke them to sign out)',
    }),
  ),
  attributes: Type.Optional(
    Type.Record(Type.String({ maxLength: 64 }), Nullable(AttributeValue), {
      description: 'Merged into the attributes; a null value removes that attribute',
    }),
  ),
});

export const UserParams = Input({ ...TenantParams.properties, id: Type.String({ format: 'uuid' }) });

const UserQuery = Input({
  email: Type.Optional(Type.String({ minLength: 3, maxLength: 254, description: 'Only the user with this address' })),
  ...pageQuery,
});

const Erased = Type.Object({ id: Type.String(), revoked_sessions: Type.Array(Type.String()) });

/** `tenants/{t}/users`: accounts, listed, found by address, created, read, updated and erased as the CLI does. */
export const userRoutes: AdminRoutes = (admin, services) => {
  admin.get(
    '/tenants/:tenant/users',
    {
      config: forReaders,
      schema: {
        summary: "List a tenant's users, oldest first, or find the one with an email address",
        params: TenantParams,
        querystring: UserQuery,
        response: responses({ 200: pageBody(UserBody) }),
      },
    },
    async (request) => {
      const tenant = await services.tenants.require(request.params.tenant);
      return pageAnswer(await services.users.list(tenant, definedOnly(request.query)), userView);
    },
  );

  admin.post(
    '/tenants/:tenant/users',
    {
      config: forWriters,
      schema: {
        summary: 'Create a user, with a password or code-only',
        params: TenantParams,
        body: CreateUser,
        response: responses({ 201: UserBody }, { conflict: true }),
      },
    },
    async (request, reply) => {
      const tenant = await services.tenants.require(request.params.tenant);
      const { email, password, display_name, email_verified } = request.body;
      const user = await services.users.create(
        tenant,
        { email, ...definedOnly({ password, displayName: display_name, emailVerified: email_verified }) },
        adminCallerOf(request),
      );
      return reply.code(201).send(userView(user));
    },
  );

  admin.get(
    '/tenants/:tenant/users/:id',
    {
      config: forReaders,
      schema: { summary: 'Read a user', params: UserParams, response: responses({ 200: UserBody }) },
    },
    async (request) => {
      const tenant = await services.tenants.require(request.params.tenant);
      return userView(await services.users.get(tenant, request.params.id));
    },
  );

  admin.patch(
    '/tenants/:tenant/users/:id',
    {
      config: forWriters,
      schema: {
        summary: 'Change a user, as `baton user update`: display name, verified address, password, attributes',
        params: UserParams,
        body: UpdateUser,
        response: responses({ 200: UserBody }),
      },
    },
    async (request) => {
      const tenant = await services.tenants.require(request.params.tenant);
      const { display_name, email_verified, password, attributes } = request.body;
      const user = await services.users.update(
        tenant,
        request.params.id,
        definedOnly({ displayName: display_name, emailVerified: email_verified, password, attributes }),
        adminCallerOf(request),
      );
      return userView(user);
    },
  );

  admin.delete(
    '/tenants/:tenant/users/:id',
    {
      config: forWriters,
      schema: {
        summary: 'Erase a user (as `baton user delete`): personal data gone, every device signed out',
        params: UserParams,
        response: responses({ 200: Erased }),
      },
    },
    async (request) => {
      const tenant = await services.tenants.require(request.params.tenant);
      const { id } = request.params;
      const { revokedSessions } = await services.users.delete(tenant, id, adminCallerOf(request));
      return { id, revoked_sessions: revokedSessions };
    },
  );
};
