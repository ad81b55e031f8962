import { domainErrors, type DomainErrorCode } from '@baton/protocol';
import { CommanderError, type Command } from 'commander';
import { DatabaseUnavailable } from '../core/database-unavailable.js';
import { BatonError } from '../core/errors.js';
import { escapeControlCharacters, escapeControlCharactersInJson } from '../core/text/control-characters.js';
import { ConfigError } from '../config/config.js';
import { DatabaseBackupError } from '../storage/database.js';
import { databaseUnavailable } from '../storage/database-unavailable.js';

/** How a command reports: one JSON value on one line with --json (a harness can read `serve`'s first line), readable lines otherwise. */
export interface Output {
  json: boolean;
  result(value: unknown, human: () => string): void;
}

export function output(json: boolean): Output {
  return {
    json,
    result(value, human) {
      process.stdout.write(json ? `${escapeControlCharactersInJson(JSON.stringify(value))}\n` : `${human()}\n`);
    },
  };
}

/**
 * A line of human output whose interpolated values (device names, user agents, app and
 * tenant names: text someone else chose) have their control characters escaped, so stored
 * text can neither forge a line nor steer the operator's terminal. Every human line that
 * shows stored values is written with it.
 */
export function shown(strings: TemplateStringsArray, ...values: unknown[]): string {
  return strings.reduce(
    (line, text, i) => line + (i > 0 ? escapeControlCharacters(String(values[i - 1])) : '') + text,
    '',
  );
}

/** Prints a failure the way the command was asked to speak, and sets a non-zero exit code. */
export function reportFailure(error: unknown, json: boolean, command?: Command): void {
  // Opening and migrating reach the driver directly; every later query goes through a repository.
  const unreachable = databaseUnavailable(error) || error instanceof DatabaseUnavailable;
  const refusedBackup = error instanceof DatabaseBackupError;
  const known =
    error instanceof BatonError ||
    error instanceof ConfigError ||
    error instanceof CommanderError ||
    unreachable ||
    refusedBackup;
  const code =
    error instanceof BatonError
      ? domainErrors[error.code].oauth
      : error instanceof ConfigError
        ? 'configuration_error'
        : error instanceof CommanderError
          ? 'usage_error'
          : unreachable
            ? 'database_unavailable'
            : refusedBackup
              ? 'backup_refused'
              : 'error';
  const detail = error instanceof Error ? error.message : String(error);
  const message =
    error instanceof BatonError
      ? inTheCommandsWords(error, command)
      : error instanceof CommanderError
        ? usageMessage(error)
        : unreachable
          ? `Cannot reach the database named by BATON_DATABASE_URL (${detail})`
          : detail;
  if (json) process.stdout.write(`${JSON.stringify({ error: code, error_description: message })}\n`);
  process.stderr.write(`baton: ${message}\n`);
  if (!known && process.env.BATON_LOG_LEVEL === 'debug' && error instanceof Error)
    process.stderr.write(`${error.stack}\n`);
  process.exitCode = 1;
}

/**
 * The domain's fields each error concerns when it does not say (`details.setting` does),
 * and how the CLI says the error once it knows the flag: services speak of their inputs
 * (and the wire of MSAL's "username"), the operator typed flags.
 */
const fieldOfError: Partial<Record<DomainErrorCode, string>> = {
  invalid_username: 'email',
  user_already_exists: 'email',
  user_not_found: 'email',
  password_blank: 'password',
  password_too_short: 'password',
  password_too_long: 'password',
  password_reused: 'password',
  password_banned: 'password',
};
const sayWithFlag: Partial<Record<DomainErrorCode, (flag: string, error: BatonError) => string>> = {
  invalid_username: (flag) => `${flag} is not an email address`,
  user_already_exists: (flag) => `An account with the address ${flag} gives already exists in this tenant`,
  user_not_found: (flag, error) =>
    error.details.setting === 'id' ? error.description : `No account has the address ${flag} gives, in this tenant`,
};
/** Flags named otherwise than the service's field (or its singular, for repeatable flags). */
const flagAliases: Record<string, string[]> = {
  email: ['email', 'user'],
  displayName: ['displayName', 'name'],
  userAttributes: ['attribute'],
  attributes: ['attribute'],
  idTokenTtl: ['accessTokenTtl'],
  id: ['id'],
};

function inTheCommandsWords(error: BatonError, command: Command | undefined): string {
  const field = error.details.setting ?? fieldOfError[error.code];
  const flag = field === undefined || !command ? undefined : flagOf(command, field);
  if (!flag) return error.description;
  const say = sayWithFlag[error.code];
  if (say) return say(flag, error);
  // A description that starts with the field's own name (`limit must be ...`) takes the flag in its place.
  if (field !== undefined && error.description.startsWith(`${field} `))
    return `${flag}${error.description.slice(field.length)}`;
  return error.description.includes(flag) ? error.description : `${flag}: ${error.description}`;
}

/** The flag (or `<argument>`) of `command` that carries the service's `field`. */
function flagOf(command: Command, field: string): string | undefined {
  const names = flagAliases[field] ?? [field, field.replace(/s$/, '')];
  for (const name of names) {
    const option = command.options.find((candidate) => candidate.attributeName() === name);
    if (option) return option.long ?? option.flags;
    const argument = command.registeredArguments.find((candidate) => candidate.name() === name);
    if (argument) return `<${argument.name()}>`;
  }
  return undefined;
}

/** Commander's "error: unknown option '--x'\n(Did you mean --y?)" as one line with a pointer to the help. */
function usageMessage(error: CommanderError): string {
  return `${error.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ')} (see baton --help)`;
}

/** Registers a command's action; see cli/main.ts. */
export type RunCommand = (
  command: import('commander').Command,
  work: (out: Output, options: import('commander').OptionValues, args: string[]) => Promise<void>,
) => import('commander').Command;
