import { InvalidArgumentError, Option, type Command, type OptionValues } from 'commander';
import type { UpdateUserInput } from '../../core/accounts/user-administration.js';
import { BatonError } from '../../core/errors.js';
import type { Tenant, User } from '../../core/model.js';
import { maxPageSize } from '../../core/paging.js';
import type { Runtime } from '../../runtime.js';
import { cliCaller, withRuntime } from '../context.js';
import { userView } from '../../views/user-view.js';
import { shown, type RunCommand } from '../output.js';

/** `--attribute name=value`, repeatable; the value is text (the management API takes numbers and booleans too). */
function attributePair(value: string, previous: Record<string, string> | undefined): Record<string, string> {
  const at = value.indexOf('=');
  if (at < 1) throw new InvalidArgumentError('Give it as name=value.');
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

/** The account a command names: by its id (the argument), or by --email; exactly one of them. */
async function namedUser(rt: Runtime, tenant: Tenant, id: string | undefined, o: OptionValues): Promise<User> {
  if (Boolean(id) === Boolean(o.email))
    throw new BatonError('malformed_request', 'Name the user by its id or by --email <email>, not both');
  return id ? rt.services.users.get(tenant, id) : rt.services.accounts.requireByEmail(tenant, o.email);
}

export function userCommands(program: Command, run: RunCommand) {
  const user = program.command('user').description('manage user accounts');
  run(
    user
      .command('create')
      .description('create a user (email verified)')
      .requiredOption('--tenant <tenant>', 'tenant name')
      .requiredOption('--email <email>', 'email address, the username')
      .option('--password <password>', 'password (omit for a code-only account)')
      .option('--name <name>', 'display name')
      .option('--attribute <name=value>', 'a user attribute (repeatable)', attributePair),
    async (out, o) => {
      const created = await withRuntime(async (rt) =>
        rt.services.users.create(
          await rt.services.tenants.require(o.tenant),
          { email: o.email, password: o.password, displayName: o.name, attributes: o.attribute },
          cliCaller(),
        ),
      );
      out.result({ id: created.id }, () => shown`Created user ${created.email} (${created.id})`);
    },
  );

  run(
    user
      .command('list')
      .description("list a tenant's users, oldest first (erased accounts are left out)")
      .requiredOption('--tenant <tenant>', 'tenant name')
      .option('--email <email>', 'only the user with this address'),
    async (out, o) => {
      const users = await withRuntime(async (rt) => {
        const tenant = await rt.services.tenants.require(o.tenant);
        const all: User[] = [];
        let cursor: string | undefined;
        do {
          const page = await rt.services.users.list(tenant, { email: o.email, limit: maxPageSize, cursor });
          all.push(...page.items);
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        return all;
      });
      const listed = users.map(userView);
      out.result(listed, () =>
        listed.length === 0
          ? 'No users'
          : listed
              .map((u) => shown`${u.id}  ${u.email}${u.email_verified ? '' : ' (unverified)'}  ${u.display_name ?? ''}`)
              .join('\n'),
      );
    },
  );

  run(
    user
      .command('update')
      .argument('[id]', "the user's id (or name it by --email)")
      .description("change a user's name, attributes, password or address verification")
      .requiredOption('--tenant <tenant>', 'tenant name')
      .option('--email <email>', "the user's email, to name the user by")
      .option('--name <name>', "display name ('' removes it)")
      .option('--attribute <name=value>', "set an attribute (repeatable); 'name=' removes it", attributePair)
      .option('--password <password>', 'a new password (sessions stay signed in: sessions revoke signs them out)')
      .addOption(new Option('--email-verified <bool>', 'whether the address is verified').choices(['true', 'false'])),
    async (out, o, [id]) => {
      const input: UpdateUserInput = {
        ...(o.name !== undefined ? { displayName: o.name } : {}),
        ...(o.attribute !== undefined
          ? {
              attributes: Object.fromEntries(
                Object.entries(o.attribute as Record<string, string>).map(([name, value]) => [name, value || null]),
              ),
            }
          : {}),
        ...(o.password !== undefined ? { password: o.password } : {}),
        ...(o.emailVerified !== undefined ? { emailVerified: o.emailVerified === 'true' } : {}),
      };
      const updated = await withRuntime(async (rt) => {
        const tenant = await rt.services.tenants.require(o.tenant);
        const found = await namedUser(rt, tenant, id, o);
        return rt.services.users.update(tenant, found.id, input, cliCaller());
      });
      const result = userView(updated);
      out.result(result, () => shown`Updated user ${result.email} (${result.id})`);
    },
  );

  run(
    user
      .command('delete')
      .argument('[id]', "the user's id (or name it by --email)")
      .description(
        "erase a user's personal data and sign out every device (the id stays, pseudonymous, in sessions and the audit trail)",
      )
      .requiredOption('--tenant <tenant>', 'tenant name')
      .option('--email <email>', "the user's email, to name the user by"),
    async (out, o, [id]) => {
      const erased = await withRuntime(async (rt) => {
        const tenant = await rt.services.tenants.require(o.tenant);
        const found = await namedUser(rt, tenant, id, o);
        return { id: found.id, email: found.email, ...(await rt.services.users.delete(tenant, found.id, cliCaller())) };
      });
      out.result(
        { id: erased.id, revoked_sessions: erased.revokedSessions },
        () =>
          shown`Deleted user ${erased.email} (${erased.id}); signed out ${erased.revokedSessions.length} session(s)`,
      );
    },
  );
}
