import { Option, type Command, type OptionValues } from 'commander';
import type { UpdateTenantInput } from '../../core/tenants/tenant-service.js';
import { BatonError } from '../../core/errors.js';
import { cliCaller, withRuntime } from '../context.js';
import { tenantView } from '../../views/tenant-view.js';
import { shown, type RunCommand } from '../output.js';

/** The settings `tenant create` and `tenant update` share; left out, create takes the default and update keeps the value. */
function withTenantSettings(command: Command): Command {
  return command
    .option('--display-name <name>', 'name shown to users (default: the tenant name)')
    .addOption(new Option('--signing-alg <alg>', 'signing algorithm (default ES256)').choices(['ES256', 'RS256']))
    .option('--code-length <n>', 'one-time code length, 6-8 (default 8)')
    .option('--logo-url <url>', "https URL of the logo the hosted pages show ('' removes it)")
    .option(
      '--color <colour>',
      "CSS colour of the hosted pages' buttons and links: #rgb, #rrggbb or a name ('' removes it)",
    );
}

function tenantSettings(o: OptionValues): UpdateTenantInput {
  return {
    ...(o.displayName !== undefined ? { displayName: o.displayName } : {}),
    ...(o.signingAlg !== undefined ? { signingAlg: o.signingAlg } : {}),
    ...(o.codeLength !== undefined ? { codeLength: Number(o.codeLength) } : {}),
    ...(o.logoUrl !== undefined || o.color !== undefined
      ? {
          theme: {
            ...(o.logoUrl !== undefined ? { logoUrl: o.logoUrl } : {}),
            ...(o.color !== undefined ? { color: o.color } : {}),
          },
        }
      : {}),
  };
}

export function tenantCommands(program: Command, run: RunCommand) {
  const tenant = program.command('tenant').description('manage tenants');
  run(
    withTenantSettings(
      tenant
        .command('create')
        .argument('<name>', 'tenant name (lower-case letters, digits, hyphens)')
        .description('create a tenant and its first signing key (creates the database if there is none)'),
    ),
    async (out, o, [name]) => {
      const created = await withRuntime(
        (rt) => rt.services.tenants.create({ name: name!, ...tenantSettings(o) }, cliCaller()),
        { create: true },
      );
      out.result({ id: created.id, name: created.name }, () => shown`Created tenant "${created.name}" (${created.id})`);
    },
  );

  run(tenant.command('list').description('list the tenants with every setting'), async (out) => {
    const listed = (await withRuntime((rt) => rt.services.tenants.list())).map(tenantView);
    out.result(listed, () =>
      listed.length === 0
        ? 'No tenants'
        : listed.map((t) => shown`${t.name.padEnd(24)}  ${t.id}  ${t.signing_alg}  "${t.display_name}"`).join('\n'),
    );
  });

  run(
    withTenantSettings(
      tenant
        .command('update')
        .argument('<name>', 'tenant name')
        .description("change a tenant's settings; a new --signing-alg rotates to a key of that algorithm at once"),
    ),
    async (out, o, [name]) => {
      const updated = await withRuntime(async (rt) =>
        rt.services.tenants.update(await rt.services.tenants.require(name!), tenantSettings(o), cliCaller()),
      );
      const result = tenantView(updated);
      out.result(result, () => shown`Updated tenant "${result.name}"`);
    },
  );

  run(
    tenant
      .command('delete')
      .argument('<name>', 'tenant name')
      .description(
        'delete a tenant and everything in it: apps, users, sessions, signing keys and its audit trail (cannot be undone)',
      )
      .option('--yes', 'confirm: erase everything in the tenant'),
    async (out, o, [name]) => {
      if (!o.yes)
        throw new BatonError(
          'malformed_request',
          `tenant delete erases every app, user, session, signing key and audit event of "${name}"; add --yes to confirm`,
        );
      const result = await withRuntime(async (rt) =>
        rt.services.tenants.delete(await rt.services.tenants.require(name!), cliCaller()),
      );
      out.result({ name, deleted: result.deleted }, () => shown`Deleted tenant "${name}" and everything in it`);
    },
  );
}
