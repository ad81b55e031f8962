import { Option, type Command } from 'commander';
import { withRuntime } from '../context.js';
import { shown, type RunCommand } from '../output.js';

export function tenantCommands(program: Command, run: RunCommand) {
  const tenant = program.command('tenant').description('manage tenants');
  run(
    tenant
      .command('create')
      .argument('<name>', 'tenant name (lower-case letters, digits, hyphens)')
      .description('create a tenant and its first signing key')
      .option('--display-name <name>', 'name shown to users')
      .addOption(new Option('--signing-alg <alg>', 'signing algorithm').choices(['ES256', 'RS256']).default('ES256'))
      .option('--code-length <n>', 'one-time code length (6-8)', '8')
      .option('--logo-url <url>', 'https URL of the logo the hosted pages show')
      .option('--color <colour>', "CSS colour of the hosted pages' buttons and links (#rgb, #rrggbb or a name)"),
    async (out, options, [name]) => {
      const theme = {
        ...(options.logoUrl ? { logoUrl: options.logoUrl } : {}),
        ...(options.color ? { color: options.color } : {}),
      };
      const created = await withRuntime((rt) =>
        rt.services.tenants.create({
          name: name!,
          displayName: options.displayName,
          signingAlg: options.signingAlg,
          codeLength: Number(options.codeLength),
          theme,
        }),
      );
      out.result({ id: created.id, name: created.name }, () => shown`Created tenant "${created.name}" (${created.id})`);
    },
  );

  run(tenant.command('list').description('list the tenants'), async (out) => {
    const tenants = await withRuntime((rt) => rt.services.tenants.list());
    const listed = tenants.map((tenant) => ({
      id: tenant.id,
      name: tenant.name,
      display_name: tenant.displayName,
      signing_alg: tenant.signingAlg,
      code_length: tenant.codeLength,
      created_at: new Date(tenant.createdAt).toISOString(),
    }));
    out.result(listed, () =>
      listed.length === 0
        ? 'No tenants'
        : listed.map((t) => shown`${t.name.padEnd(24)}  ${t.id}  ${t.signing_alg}  "${t.display_name}"`).join('\n'),
    );
  });
}
