import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import { BatonError } from '../errors.js';
import type { Tenant, User } from '../model.js';
import type { Repositories } from '../ports.js';
import { hashPassword } from '../credentials/password-hasher.js';
import { assertPasswordAcceptable } from '../credentials/password-policy.js';

export interface CreateUserInput {
  email: string;
  password?: string | undefined;
  displayName?: string | undefined;
  emailVerified?: boolean;
  attributes?: Record<string, unknown>;
}

/** Not an address Baton can use, in the words MSAL reads as an invalid username. */
export const invalidUsername = (why?: string) =>
  new BatonError('invalid_username', `The username parameter is empty or not valid${why ? `: ${why}` : ''}`);

/** Lower-cases and trims an email address; refuses what is not one. */
export function normalizeEmail(value: string | undefined): string {
  const email = (value ?? '').trim().toLowerCase();
  if (email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw invalidUsername();
  return email;
}

/**
 * An address a new account or method is made with: normalised, and with a domain whose
 * every label has a character (RFC 5321), so no trailing dot: `hal@example.com.` is refused
 * here rather than by the mail server later. Look-ups keep `normalizeEmail`, so an account
 * made before this rule still signs in.
 */
export function normalizeNewEmail(value: string | undefined): string {
  const email = normalizeEmail(value);
  if (
    email
      .slice(email.lastIndexOf('@') + 1)
      .split('.')
      .some((label) => label === '')
  )
    throw invalidUsername();
  return email;
}

export class AccountService {
  constructor(
    private readonly repos: Repositories,
    private readonly clock: Clock,
  ) {}

  async create(tenant: Tenant, input: CreateUserInput): Promise<User> {
    const email = normalizeNewEmail(input.email);
    if (input.password !== undefined) assertPasswordAcceptable(input.password, { email });
    return this.createWithHash(
      tenant,
      { ...input, email },
      input.password === undefined ? null : await hashPassword(input.password),
    );
  }

  /** Creates an account whose password (if any) was checked and hashed earlier in a flow. */
  async createWithHash(
    tenant: Tenant,
    input: Omit<CreateUserInput, 'password'>,
    passwordHash: string | null,
  ): Promise<User> {
    const user: User = {
      id: randomUUID(),
      tenantId: tenant.id,
      email: normalizeEmail(input.email),
      emailVerified: input.emailVerified ?? false,
      displayName: input.displayName ?? null,
      attributes: input.attributes ?? {},
      createdAt: this.clock.now(),
    };
    if (!(await this.repos.users.create(user, passwordHash))) {
      throw new BatonError('user_already_exists', 'An account with this username already exists');
    }
    return user;
  }

  findByEmail(tenant: Tenant, email: string): Promise<User | null> {
    return this.repos.users.findByEmail(tenant.id, email);
  }

  async requireByEmail(tenant: Tenant, email: string): Promise<User> {
    const user = await this.findByEmail(tenant, normalizeEmail(email));
    if (!user) throw new BatonError('user_not_found', 'No account matches the username');
    return user;
  }
}
