import type { Command } from 'commander';
import { withRuntime } from '../context.js';
import { shown, type RunCommand } from '../output.js';

export function userCommands(program: Command, run: RunCommand) {
  const user = program.command('user').description('manage user accounts');
  run(
    user
      .command('create')
      .description('create a user (email verified)')
      .requiredOption('--tenant <tenant>', 'tenant name')
      .requiredOption('--email <email>', 'email address, the username')
      .option('--password <password>', 'password (omit for a code-only account)')
      .option('--name <name>', 'display name'),
    async (out, o) => {
      const created = await withRuntime(async (rt) =>
        rt.services.accounts.create(await rt.services.tenants.require(o.tenant), {
          email: o.email,
          password: o.password,
          displayName: o.name,
          emailVerified: true,
        }),
      );
      out.result({ id: created.id }, () => shown`Created user ${created.email} (${created.id})`);
    },
  );

  run(
    user
      .command('delete')
      .description(
        "erase a user's personal data and sign out every device (the id stays, pseudonymous, in sessions and the audit trail)",
      )
      .requiredOption('--tenant <tenant>', 'tenant name')
      .requiredOption('--email <email>', "the user's email"),
    async (out, o) => {
      const erased = await withRuntime(async (rt) => {
        const tenant = await rt.services.tenants.require(o.tenant);
        const found = await rt.services.accounts.requireByEmail(tenant, o.email);
        return { id: found.id, ...(await rt.services.accountErasure.erase(tenant, found)) };
      });
      out.result(
        { id: erased.id, revoked_sessions: erased.revokedSessions },
        () => shown`Deleted user ${o.email} (${erased.id}); signed out ${erased.revokedSessions.length} session(s)`,
      );
    },
  );
}
