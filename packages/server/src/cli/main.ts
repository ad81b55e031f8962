import { Command, CommanderError } from 'commander';
import { appCommands } from './commands/app.js';
import { auditCommands } from './commands/audit.js';
import { backupCommand } from './commands/backup.js';
import { keyCommands } from './commands/keys.js';
import { migrateCommand } from './commands/migrate.js';
import { policyCommands } from './commands/policy.js';
import { serveCommand } from './commands/serve.js';
import { sessionCommands } from './commands/sessions.js';
import { tenantCommands } from './commands/tenant.js';
import { userCommands } from './commands/user.js';
import { output, reportFailure, type RunCommand } from './output.js';
import { batonVersion } from './version.js';

const program = new Command('baton')
  .description(
    'Baton: self-hosted customer identity. Configuration comes from BATON_* environment variables (docs/configuration.md).',
  )
  // Usage errors are reported by reportFailure like any other failure: one line on stderr, one JSON value with --json.
  // (writeErr carries only the help commander shows for a missing command; that failure says where help is.)
  .configureOutput({ outputError: () => {}, writeErr: () => {} })
  // --json is accepted before the command too (`baton --json tenant create acme`).
  .option('--json', 'print exactly one JSON value on stdout')
  .option('-V, --version', 'print the version of Baton')
  .exitOverride()
  // Before any command runs, and in the voice asked for: `{"version": ...}` with --json.
  .on('option:version', () => {
    const version = batonVersion();
    output(process.argv.includes('--json')).result({ version }, () => version);
    process.exit(0);
  });

/** Gives a command its --json flag and runs it with failures reported in the same voice. */
const run: RunCommand = (command, work) => {
  return command.option('--json', 'print exactly one JSON value on stdout').action(async (...received: unknown[]) => {
    const cmd = received[received.length - 1] as Command;
    const options = cmd.optsWithGlobals();
    try {
      await work(output(Boolean(options.json)), options, cmd.args);
    } catch (error) {
      reportFailure(error, Boolean(options.json), cmd);
    }
  });
};

for (const register of [
  serveCommand,
  migrateCommand,
  tenantCommands,
  appCommands,
  userCommands,
  sessionCommands,
  keyCommands,
  policyCommands,
  auditCommands,
  backupCommand,
])
  register(program, run);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const json = process.argv.includes('--json');
  if (!(error instanceof CommanderError)) throw error;
  // Help that was asked for succeeds; help shown because no (sub)command was named is a usage error.
  if (error.exitCode === 0) process.exitCode = 0;
  else if (error.code === 'commander.help')
    reportFailure(new CommanderError(1, 'commander.missingCommand', 'name a command'), json);
  else reportFailure(error, json);
}
