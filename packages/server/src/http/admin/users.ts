import { Type } from 'typebox';
import { tombstoneEmail } from '../../core/accounts/account-erasure.js';
import { normalizeEmail } from '../../core/accounts/account-service.js';
import { BatonError } from '../../core/errors.js';
import type { Tenant, User } from '../../core/model.js';
import type { Services } from '../../core/services.js';
import { requestContext } from '../request-context.js';
import { auditAdminChange } from './admin-audit.js';
import type { AdminRoutes } from './admin-instance.js';
import { forReaders, forWriters } from './caller.js';
import { pageOf, pageQuery } from './pagination.js';
import { Input, iso, Nullable, responses, TenantParams, Timestamp } from './schemas.js';

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

export const UserParams = Input({ ...TenantParams.properties, id: Type.String({ format: 'uuid' }) });

const UserSearch = Input({
  email: Type.String({ minLength: 3, maxLength: 254, description: 'The address to look for' }),
  ...pageQuery,
});

const Erased = Type.Object({ id: Type.String(), revoked_sessions: Type.Array(Type.String()) });

const userBody = (user: User) => ({
  id: user.id,
  email: user.email,
  email_verified: user.emailVerified,
  display_name: user.displayName,
  attributes: user.attributes,
  created_at: iso(user.createdAt),
});

/** An account of the tenant by id, erased ones included (their id stays, pseudonymous). */
export async function findUser(services: Services, tenant: Tenant, id: string): Promise<User> {
  const user = await services.repos.users.findById(tenant.id, id);
  if (!user) throw new BatonError('user_not_found', `No user ${id} in tenant "${tenant.name}"`);
  return user;
}

const isErased = (user: User) => user.email === tombstoneEmail(user.id);

/** `tenants/{t}/users`: accounts, created, found by address, read and erased as the CLI does. */
export const userRoutes: AdminRoutes = (admin, services) => {
  admin.get(
    '/tenants/:tenant/users',
    {
      config: forReaders,
      schema: {
        summary: 'Find the user with an email address',
        params: TenantParams,
        querystring: UserSearch,
        response: responses({ 200: pageOf(UserBody) }),
      },
    },
    async (request) => {
      const tenant = await services.tenants.require(request.params.tenant);
      const user = await services.accounts.findByEmail(tenant, normalizeEmail(request.query.email));
      return { items: user ? [userBody(user)] : [], next_cursor: null };
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
      const user = await services.accounts.create(tenant, {
        email,
        password,
        displayName: display_name,
        emailVerified: email_verified ?? true,
      });
      await auditAdminChange(services, request, {
        tenantId: tenant.id,
        type: 'admin.user.created',
        userId: user.id,
        data: { password: password !== undefined },
      });
      return reply.code(201).send(userBody(user));
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
      const user = await findUser(services, tenant, request.params.id);
      if (isErased(user)) throw new BatonError('user_not_found', `User ${user.id} was deleted`);
      return userBody(user);
    },
  );

  admin.delete(
    '/tenants/:tenant/users/:id',
    {
      config: forWriters,
      schema: {
        summary: 'Erase a user (as `baton user delete`): personal data gone, every device signed out; idempotent',
        params: UserParams,
        response: responses({ 200: Erased }),
      },
    },
    async (request) => {
      const tenant = await services.tenants.require(request.params.tenant);
      const user = await findUser(services, tenant, request.params.id);
      if (isErased(user)) return { id: user.id, revoked_sessions: [] };
      const { revokedSessions } = await services.accountErasure.erase(tenant, user, requestContext(request));
      await auditAdminChange(services, request, {
        tenantId: tenant.id,
        type: 'admin.user.deleted',
        userId: user.id,
        data: { sessions: revokedSessions },
      });
      return { id: user.id, revoked_sessions: revokedSessions };
    },
  );
};
