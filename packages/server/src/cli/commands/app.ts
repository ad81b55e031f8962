import { InvalidArgumentError, Option, type Command, type OptionValues } from 'commander';
import { redirectUriProblem } from '../../core/apps/redirect-uris.js';
import { BatonError } from '../../core/errors.js';
import type { RegisterAppInput } from '../../core/apps/app-service.js';
import { definedOnly } from '../../core/defined-only.js';
import type { AttributeDefinition, ChallengeType } from '../../core/model.js';
import { scopeProblem } from '../../core/tokens/scopes.js';
import { cliCaller, withRuntime } from '../context.js';
import { appView } from '../../views/app-view.js';
import { shown, type RunCommand } from '../output.js';

/**
 * A repeatable option's values. Left out, it is undefined (create takes the default, update
 * keeps the list); given, its values replace the list, and an empty value ('') gives none.
 */
const collect = (value: string, previous: string[] | undefined) => [
  ...(previous ?? []),
  ...(value === '' ? [] : [value]),
];

/**
 * A repeatable option whose every value `problem` must accept: commander refuses a bad
 * one naming the option, before anything is opened or written (the service checks again,
 * with the same rule, for the management API).
 */
function collectChecked(problem: (value: string) => string | null) {
  return (value: string, previous: string[] | undefined) => {
    const refusal = value === '' ? null : problem(value);
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

/**
 * Every setting of an app, as `app create` and `app update` both take them (one parser for
 * both). A switch has its `--no-` form to turn it off in an update.
 */
function withAppSettings(command: Command): Command {
  return command
    .addOption(
      new Option('--type <type>', 'client type (default public; cannot change)').choices(['public', 'confidential']),
    )
    .option('--challenge-types <list>', 'comma-separated: oob,password,redirect (default all three)')
    .option(
      '--redirect-uri <uri>',
      'allowed redirect URI: https, http on loopback, or a private-use scheme like com.example.app:/cb (repeatable)',
      collectChecked(redirectUriProblem),
    )
    .option(
      '--post-logout-redirect-uri <uri>',
      'where logout may send the browser back to, same rules (repeatable)',
      collectChecked(redirectUriProblem),
    )
    .option('--allowed-origin <origin>', 'browser origin allowed to call the API (repeatable)', collect)
    .option('--require-mfa', 'require a second factor at sign-in')
    .option('--no-require-mfa', 'do not require a second factor')
    .addOption(
      new Option(
        '--mfa-registration <which>',
        'what a user may register as a second factor during sign-in: only the sign-in address (default), or any address (the sign-in address is told)',
      ).choices(['own-address', 'any-address']),
    )
    .option('--allow-refresh-token-export', 'let the SDK export raw refresh tokens')
    .option('--no-allow-refresh-token-export', 'refuse exported refresh tokens')
    .option('--allow-session-transfer', 'let this app ask for session transfer tokens')
    .option('--no-allow-session-transfer', 'stop this app asking for session transfer tokens')
    .option('--accept-session-transfer', 'let this app redeem session transfer tokens')
    .option('--no-accept-session-transfer', 'stop this app redeeming session transfer tokens')
    .option('--device-code', 'let this app sign in with the device authorization grant (RFC 8628: TVs, cars, consoles)')
    .option('--no-device-code', 'stop this app starting the device authorization grant')
    .option(
      '--sso-group <name>',
      "share sign-in on a device with the tenant's other apps of this group (Native SSO; 'none' leaves the group)",
    )
    .option(
      '--scope <scope>',
      'a scope client_credentials may grant this app (repeatable)',
      collectChecked(scopeProblem),
    )
    .option(
      '--attribute <spec>',
      'a user attribute sign-up collects: name[:string|boolean|number][:required][:regex=<expression>] (repeatable)',
      collect,
    )
    .addOption(
      new Option(
        '--admin <level>',
        "management API access of the app's client_credentials tokens, in its own tenant (confidential apps only; 'none' removes it)",
      ).choices(['read', 'write', 'none']),
    )
    .option('--access-token-ttl <seconds>', 'access (and ID) token lifetime', seconds)
    .option('--refresh-retry-window <seconds>', 'how long a rotated refresh token gets the same successor', seconds)
    .option('--session-idle-ttl <seconds>', 'session idle lifetime', seconds)
    .option('--session-absolute-ttl <seconds>', 'session absolute lifetime', seconds);
}

/** The settings the flags name, and nothing else: what create registers over the defaults and update changes. */
function appSettings(o: OptionValues): RegisterAppInput {
  return definedOnly({
    name: o.name,
    type: o.type,
    challengeTypes:
      o.challengeTypes === undefined
        ? undefined
        : (String(o.challengeTypes)
            .split(',')
            .map((t) => t.trim())
            .filter(Boolean) as ChallengeType[]),
    redirectUris: o.redirectUri,
    postLogoutRedirectUris: o.postLogoutRedirectUri,
    allowedOrigins: o.allowedOrigin,
    requireMfa: o.requireMfa,
    mfaRegistration: o.mfaRegistration,
    allowRefreshTokenExport: o.allowRefreshTokenExport,
    allowSessionTransfer: o.allowSessionTransfer,
    acceptSessionTransfer: o.acceptSessionTransfer,
    ssoGroup: o.ssoGroup === 'none' ? null : o.ssoGroup,
    deviceCode: o.deviceCode,
    scopes: o.scope,
    admin: o.admin === 'none' ? null : o.admin,
    userAttributes: o.attribute === undefined ? undefined : (o.attribute as string[]).map(parseAttributeSpec),
    lifetimes: definedOnly({
      accessTokenTtl: o.accessTokenTtl,
      idTokenTtl: o.accessTokenTtl,
      refreshRetryWindow: o.refreshRetryWindow,
      sessionIdleTtl: o.sessionIdleTtl,
      sessionAbsoluteTtl: o.sessionAbsoluteTtl,
    }),
  }) as RegisterAppInput;
}

/** A secret printed once: with --json in the value, else with the warning to store it now. */
function secretLines(clientId: string, clientSecret: string | undefined): string[] {
  return [
    `  client_id:     ${clientId}`,
    ...(clientSecret ? [`  client_secret: ${clientSecret}  (shown once; store it now)`] : []),
  ];
}

export function appCommands(program: Command, run: RunCommand) {
  const app = program.command('app').description('manage app registrations');
  run(
    withAppSettings(
      app
        .command('create')
        .description('register an app (client)')
        .requiredOption('--tenant <tenant>', 'tenant name')
        .requiredOption('--name <name>', 'app name'),
    ),
    async (out, o) => {
      const registered = await withRuntime(async (rt) =>
        rt.services.apps.register(await rt.services.tenants.require(o.tenant), appSettings(o), cliCaller()),
      );
      const result = {
        client_id: registered.app.clientId,
        ...(registered.clientSecret ? { client_secret: registered.clientSecret } : {}),
      };
      out.result(result, () =>
        [
          shown`Registered ${registered.app.type} app "${registered.app.name}"`,
          ...secretLines(result.client_id, result.client_secret),
        ].join('\n'),
      );
    },
  );

  run(
    app
      .command('list')
      .description("list a tenant's apps with every setting (client secrets are never shown again)")
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

  run(
    withAppSettings(
      app
        .command('update')
        .argument('<client_id>', "the app's client_id")
        .description("change an app's settings: the flags of app create; a repeatable flag replaces its list")
        .requiredOption('--tenant <tenant>', 'tenant name')
        .option('--name <name>', 'app name'),
    ),
    async (out, o, [clientId]) => {
      const updated = await withRuntime(async (rt) =>
        rt.services.apps.update(await rt.services.tenants.require(o.tenant), clientId!, appSettings(o), cliCaller()),
      );
      const result = appView(updated);
      out.result(result, () => shown`Updated app "${result.name}" (${result.client_id})`);
    },
  );

  run(
    app
      .command('delete')
      .argument('<client_id>', "the app's client_id")
      .description(
        'delete an app and revoke every session it opened (and their children); deleting it again does nothing',
      )
      .requiredOption('--tenant <tenant>', 'tenant name'),
    async (out, o, [clientId]) => {
      const result = await withRuntime(async (rt) =>
        rt.services.apps.delete(await rt.services.tenants.require(o.tenant), clientId!, cliCaller()),
      );
      out.result({ client_id: clientId, deleted: result.deleted, revoked_sessions: result.revokedSessions }, () =>
        result.deleted
          ? shown`Deleted app ${clientId}; revoked ${result.revokedSessions.length} session(s)`
          : shown`No app ${clientId} (already deleted)`,
      );
    },
  );

  run(
    app
      .command('rotate-secret')
      .argument('<client_id>', "the confidential app's client_id")
      .description('give a confidential app a new client secret, printed once; the previous one stops working at once')
      .requiredOption('--tenant <tenant>', 'tenant name'),
    async (out, o, [clientId]) => {
      const rotated = await withRuntime(async (rt) =>
        rt.services.apps.rotateSecret(await rt.services.tenants.require(o.tenant), clientId!, cliCaller()),
      );
      const result = { client_id: rotated.app.clientId, client_secret: rotated.clientSecret };
      out.result(result, () =>
        [shown`New secret for app "${rotated.app.name}"`, ...secretLines(result.client_id, result.client_secret)].join(
          '\n',
        ),
      );
    },
  );
}
