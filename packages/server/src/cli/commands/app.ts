import { InvalidArgumentError, Option, type Command } from 'commander';
import { redirectUriProblem } from '../../core/apps/redirect-uris.js';
import { BatonError } from '../../core/errors.js';
import type { AttributeDefinition, ChallengeType } from '../../core/model.js';
import { scopeProblem } from '../../core/tokens/scopes.js';
import { withRuntime } from '../context.js';
import { appView } from '../../views/app-view.js';
import { shown, type RunCommand } from '../output.js';

const collect = (value: string, previous: string[]) => [...previous, value];

/**
 * A repeatable option whose every value `problem` must accept: commander refuses a bad
 * one naming the option, before anything is opened or written.
 */
function collectChecked(problem: (value: string) => string | null) {
  return (value: string, previous: string[]) => {
    const refusal = problem(value);
    if (refusal) throw new InvalidArgumentError(`${refusal}.`);
    return collect(value, previous);
  };
}

/** A lifetime option's value, refused by commander (naming the option) unless it is a whole number of seconds above 0. */
function seconds(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed) || parsed <= 0)
    throw new InvalidArgumentError('It must be a whole number of seconds above 0.');
  return parsed;
}

/** `name[:string|boolean|number][:required][:regex=<expression>]`; the expression is the rest of the spec. */
export function parseAttributeSpec(spec: string): AttributeDefinition {
  const [head, regex] = spec.includes(':regex=')
    ? [spec.slice(0, spec.indexOf(':regex=')), spec.slice(spec.indexOf(':regex=') + 7)]
    : [spec, undefined];
  const [name = '', ...flags] = head.split(':');
  const type = flags.find((f) => f === 'string' || f === 'boolean' || f === 'number') ?? 'string';
  const unknown = flags.filter((f) => f !== type && f !== 'required' && f !== 'optional');
  if (unknown.length)
    throw new BatonError(
      'invalid_setting',
      `Unknown attribute option "${unknown[0]}" in "${spec}" (use name[:type][:required][:regex=...])`,
    );
  return {
    name,
    type: type as AttributeDefinition['type'],
    required: flags.includes('required'),
    ...(regex !== undefined ? { regex } : {}),
  };
}

export function appCommands(program: Command, run: RunCommand) {
  const app = program.command('app').description('manage app registrations');
  run(
    app
      .command('create')
      .description('register an app (client)')
      .requiredOption('--tenant <tenant>', 'tenant name')
      .requiredOption('--name <name>', 'app name')
      .addOption(new Option('--type <type>', 'client type').choices(['public', 'confidential']).default('public'))
      .option('--challenge-types <list>', 'comma-separated: oob,password,redirect', 'oob,password,redirect')
      .option(
        '--redirect-uri <uri>',
        'allowed redirect URI: https, http on loopback, or a private-use scheme like com.example.app:/cb (repeatable)',
        collectChecked(redirectUriProblem),
        [],
      )
      .option(
        '--post-logout-redirect-uri <uri>',
        'where logout may send the browser back to, same rules (repeatable)',
        collectChecked(redirectUriProblem),
        [],
      )
      .option('--allowed-origin <origin>', 'browser origin allowed to call the API (repeatable)', collect, [])
      .option('--require-mfa', 'require a second factor at sign-in', false)
      .addOption(
        new Option(
          '--mfa-registration <which>',
          'what a user may register as a second factor during sign-in: only the sign-in address, or any address (the sign-in address is told)',
        )
          .choices(['own-address', 'any-address'])
          .default('own-address'),
      )
      .option('--allow-refresh-token-export', 'let the SDK export raw refresh tokens', false)
      .option('--allow-session-transfer', 'let this app ask for session transfer tokens', false)
      .option('--accept-session-transfer', 'let this app redeem session transfer tokens', false)
      .option(
        '--scope <scope>',
        'a scope client_credentials may grant this app (repeatable)',
        collectChecked(scopeProblem),
        [],
      )
      .option(
        '--attribute <spec>',
        'a user attribute sign-up collects: name[:string|boolean|number][:required][:regex=<expression>] (repeatable)',
        collect,
        [],
      )
      .addOption(
        new Option(
          '--admin <level>',
          "management API access of the app's client_credentials tokens, in its own tenant (confidential apps only)",
        ).choices(['read', 'write']),
      )
      .option('--access-token-ttl <seconds>', 'access token lifetime', seconds)
      .option('--refresh-retry-window <seconds>', 'how long a rotated refresh token gets the same successor', seconds)
      .option('--session-idle-ttl <seconds>', 'session idle lifetime', seconds)
      .option('--session-absolute-ttl <seconds>', 'session absolute lifetime', seconds),
    async (out, o) => {
      const lifetimes = Object.fromEntries(
        Object.entries({
          accessTokenTtl: o.accessTokenTtl,
          idTokenTtl: o.accessTokenTtl,
          refreshRetryWindow: o.refreshRetryWindow,
          sessionIdleTtl: o.sessionIdleTtl,
          sessionAbsoluteTtl: o.sessionAbsoluteTtl,
        }).filter(([, v]) => v !== undefined),
      );
      const registered = await withRuntime(async (rt) =>
        rt.services.apps.register(await rt.services.tenants.require(o.tenant), {
          name: o.name,
          type: o.type,
          challengeTypes: String(o.challengeTypes)
            .split(',')
            .map((t) => t.trim())
            .filter(Boolean) as ChallengeType[],
          redirectUris: o.redirectUri,
          postLogoutRedirectUris: o.postLogoutRedirectUri,
          allowedOrigins: o.allowedOrigin,
          requireMfa: o.requireMfa,
          mfaRegistration: o.mfaRegistration,
          allowRefreshTokenExport: o.allowRefreshTokenExport,
          allowSessionTransfer: o.allowSessionTransfer,
          acceptSessionTransfer: o.acceptSessionTransfer,
          scopes: o.scope,
          admin: o.admin ?? null,
          lifetimes,
          userAttributes: (o.attribute as string[]).map(parseAttributeSpec),
        }),
      );
      const result = {
        client_id: registered.app.clientId,
        ...(registered.clientSecret ? { client_secret: registered.clientSecret } : {}),
      };
      out.result(result, () =>
        [
          shown`Registered ${registered.app.type} app "${registered.app.name}"`,
          `  client_id:     ${result.client_id}`,
          ...(result.client_secret ? [`  client_secret: ${result.client_secret}  (shown once; store it now)`] : []),
        ].join('\n'),
      );
    },
  );

  run(
    app
      .command('list')
      .description("list a tenant's apps (client secrets are never shown again)")
      .requiredOption('--tenant <tenant>', 'tenant name'),
    async (out, o) => {
      const apps = await withRuntime(async (rt) => rt.services.apps.list(await rt.services.tenants.require(o.tenant)));
      const listed = apps.map(appView);
      out.result(listed, () =>
        listed.length === 0
          ? 'No apps'
          : listed
              .map(
                (a) =>
                  shown`${a.client_id}  ${a.type.padEnd(12)}  "${a.name}"${a.require_mfa ? `  MFA (registers ${a.mfa_registration})` : ''}`,
              )
              .join('\n'),
      );
    },
  );
}
