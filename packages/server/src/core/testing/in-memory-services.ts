import { randomBytes, randomUUID } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import { MasterKey } from '../../crypto/master-key.js';
import { normalizeNewEmail } from '../accounts/account-service.js';
import type { RegisterAppInput } from '../apps/app-service.js';
import { fixedClock } from '../clock.js';
import type { App, ClientAddress, MfaMethod, RequestContext, Session, Tenant, User } from '../model.js';
import { createServices } from '../services.js';
import { inMemoryRepositories } from './in-memory-repositories.js';
import { MailOutbox } from './mail-outbox.js';

/** A request from a remote client, as the HTTP layer would describe it. */
export const testContext: RequestContext = { ip: '203.0.113.7', userAgent: 'domain-test', correlationId: 'test' };
export const testClient: ClientAddress = { ip: '203.0.113.7', peerIp: '203.0.113.7' };

const cheapestArgon2 = { memoryCost: 8, timeCost: 1, parallelism: 1 } as const;

/**
 * The whole domain as core/services.ts wires it, over in-memory repositories, a clock that
 * moves only when told and a mailer that keeps the codes: no HTTP, no database, no sleeping.
 */
export function inMemoryServices() {
  const clock = fixedClock();
  const repos = inMemoryRepositories();
  const outbox = new MailOutbox();
  const masterKey = MasterKey.fromString(randomBytes(32).toString('hex'));
  /** Every event the domain counted for the metrics listener, in order. */
  const counted: string[] = [];
  /** Services over the same repositories and keys: another instance of Baton behind the same load balancer. */
  const anotherInstance = () =>
    createServices({
      repos,
      masterKey,
      clock,
      publicUrl: 'https://baton.test',
      mailer: outbox,
      limits: { flowStartsPerIpPerMinute: 0 },
      telemetry: { count: (event) => counted.push(event), policyEvaluated() {} },
    });
  const services = anotherInstance();
  return {
    services,
    anotherInstance,
    /** The keys every instance derives its secrets from (refresh tokens are checked with them in tests). */
    masterKey,
    repos,
    db: repos.db,
    clock,
    outbox,
    counted,
    /** A tenant with one app registered as `app` says (a public app with every challenge type by default). */
    async tenantWithApp(app: Partial<RegisterAppInput> = {}) {
      const tenant = await services.tenants.create({ name: 'acme', codeLength: 6 });
      return { tenant, ...(await services.apps.register(tenant, { name: 'Acme', ...app })) };
    },
    /**
     * An account with a verified address, and a password when given one. The password is
     * hashed with argon2id at the lowest cost, which verifies in well under a millisecond:
     * the hash carries its own cost, so verification is the production path.
     */
    async user(tenant: Tenant, email = 'ada@example.com', password?: string): Promise<User> {
      const user: User = {
        id: randomUUID(),
        tenantId: tenant.id,
        email: normalizeNewEmail(email),
        emailVerified: true,
        displayName: null,
        attributes: {},
        createdAt: clock.now(),
      };
      const passwordHash = password === undefined ? null : await hash(password, cheapestArgon2);
      if (!(await repos.users.create(user, passwordHash))) throw new Error(`${email} is taken`);
      return user;
    },
    /** A session of `user` in `app` on a new phone, as a finished password sign-in opens it. */
    signIn(tenant: Tenant, app: App, user: User, parent?: Session) {
      return services.sessions.open({
        tenant,
        app,
        user,
        amr: ['pwd'],
        scope: 'openid offline_access',
        device: { name: 'Phone', platform: 'ios', kind: parent ? 'companion' : 'primary' },
        ...(parent ? { parent } : {}),
      });
    },
    /** Registers `target` as a second-factor method of `user`, as a finished registration would. */
    async addMethod(user: User, target: string): Promise<MfaMethod> {
      const method: MfaMethod = {
        id: randomUUID(),
        tenantId: user.tenantId,
        userId: user.id,
        type: 'email',
        target,
        createdAt: clock.now(),
      };
      if (!(await repos.mfaMethods.add(method))) throw new Error(`${target} is a method already`);
      return method;
    },
  };
}

export type DomainHarness = ReturnType<typeof inMemoryServices>;
