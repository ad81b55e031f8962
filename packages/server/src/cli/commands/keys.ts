import { Option, type Command } from 'commander';
import { cliCaller, withRuntime } from '../context.js';
import type { RunCommand } from '../output.js';

export function keyCommands(program: Command, run: RunCommand) {
  const keys = program.command('keys').description('manage signing keys');
  run(
    keys
      .command('rotate')
      .description('make a new signing key active; the previous one keeps verifying for the overlap period')
      .requiredOption('--tenant <tenant>', 'tenant name')
      .addOption(
        new Option('--alg <alg>', "algorithm of the new key (default: the tenant's)").choices(['ES256', 'RS256']),
      ),
    async (out, o) => {
      const rotated = await withRuntime(async (rt) =>
        rt.services.tenants.rotateKeys(await rt.services.tenants.require(o.tenant), o.alg, cliCaller()),
      );
      out.result(
        rotated,
        () => `New active ${rotated.alg} key ${rotated.kid}; the previous key still verifies until the overlap ends`,
      );
    },
  );
}
