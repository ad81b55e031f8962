import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { BatonError } from '../../core/errors.js';
import { evaluationPoints } from '../../core/policy/policy-document.js';
import { policyDecisionView, policyView } from '../../views/policy-view.js';
import { cliCaller, withRuntime } from '../context.js';
import type { RunCommand } from '../output.js';

/** A policy document from a file (`-` for standard input), as parsed JSON; a file that is not JSON is refused naming where it stops. */
function readDocument(path: string): unknown {
  const source = path === '-' ? 'standard input' : path;
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (error) {
    throw new BatonError('invalid_policy', `Cannot read ${source}: ${(error as Error).message}`, { setting: 'file' });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BatonError('invalid_policy', `${source} is not JSON: ${(error as Error).message}`, { setting: 'file' });
  }
}

/** `baton policy set|show|what-if`: a tenant's conditional-access document (docs/policy.md). */
export function policyCommands(program: Command, run: RunCommand) {
  const policy = program.command('policy').description("manage a tenant's conditional-access policy");
  run(
    policy
      .command('set')
      .description('check and compile a policy document and make it the version in force (every instance within 2 s)')
      .requiredOption('--tenant <tenant>', 'tenant name')
      .requiredOption('--file <path>', 'the document, JSON (- reads standard input)'),
    async (out, o) => {
      const document = readDocument(o.file);
      const set = await withRuntime(async (rt) =>
        rt.services.policies.set(await rt.services.tenants.require(o.tenant), document, cliCaller()),
      );
      out.result(set, () => `Version ${set.version} is in force`);
    },
  );

  run(
    policy
      .command('show')
      .description('print the version in force and its document')
      .requiredOption('--tenant <tenant>', 'tenant name'),
    async (out, o) => {
      const current = policyView(
        await withRuntime(async (rt) => rt.services.policies.show(await rt.services.tenants.require(o.tenant))),
      );
      out.result(current, () =>
        current.version === 0
          ? 'No policy has been set: every request is allowed by policy'
          : `Version ${current.version}, set ${current.created_at} by ${current.created_by}\n${JSON.stringify(current.document, null, 2)}`,
      );
    },
  );

  run(
    policy
      .command('what-if')
      .description(
        'evaluate a request that did not happen against the version in force (or --file) and name the rules that match',
      )
      .requiredOption('--tenant <tenant>', 'tenant name')
      .requiredOption('--user <email>', "the account's email")
      .requiredOption('--app <client_id>', 'the app asking')
      .addOption(new Option('--at <point>', 'point of evaluation').choices(evaluationPoints).makeOptionMandatory())
      .option('--ip <address>', 'the address the request comes from')
      .option('--device-kind <kind>', 'primary, companion, browser or service', 'primary')
      .option('--platform <platform>', "the device's platform")
      .option('--amr <methods>', 'how the session was authenticated, comma-separated (pwd,otp,mfa)', 'pwd')
      .option('--file <path>', 'a document to evaluate instead of the version in force'),
    async (out, o) => {
      const document = o.file === undefined ? undefined : readDocument(o.file);
      const answer = policyDecisionView(
        await withRuntime(async (rt) =>
          rt.services.policies.whatIf(
            await rt.services.tenants.require(o.tenant),
            {
              email: o.user,
              clientId: o.app,
              at: o.at,
              deviceKind: o.deviceKind,
              amr: String(o.amr)
                .split(',')
                .map((method) => method.trim())
                .filter(Boolean),
              ...(o.ip === undefined ? {} : { ip: o.ip }),
              ...(o.platform === undefined ? {} : { platform: o.platform }),
            },
            document,
          ),
        ),
      );
      out.result(answer, () =>
        [
          `${answer.decision}${answer.rules.length ? ` (rules: ${answer.rules.join(', ')})` : ''}`,
          ...(answer.report_only.length ? [`report-only matches: ${answer.report_only.join(', ')}`] : []),
          ...answer.failed.map((failure) => `rule ${failure.rule} could not be evaluated: ${failure.message}`),
          `country: ${answer.facts.request.country || 'unknown'}`,
        ].join('\n'),
      );
    },
  );
}
