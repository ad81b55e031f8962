import { Option, type Command } from 'commander';
import { cliCaller, withRuntime } from '../context.js';
import { keyView } from '../../views/key-view.js';
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

  run(
    keys
      .command('list')
      .description('list the keys that sign or still verify, newest first')
      .requiredOption('--tenant <tenant>', 'tenant name'),
    async (out, o) => {
      const listed = (
        await withRuntime(async (rt) => rt.services.tenants.listKeys(await rt.services.tenants.require(o.tenant)))
      ).map(keyView);
      out.result(listed, () =>
        listed.map((key) => `${key.kid}  ${key.alg}  ${key.status.padEnd(7)}  created ${key.created_at}`).join('\n'),
      );
    },
  );
}
