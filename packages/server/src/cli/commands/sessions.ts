import type { Command } from 'commander';
import { BatonError } from '../../core/errors.js';
import { cliCaller, withRuntime } from '../context.js';
import { shown, type RunCommand } from '../output.js';

export function sessionCommands(program: Command, run: RunCommand) {
  const sessions = program.command('sessions').description('list and revoke sessions');
  run(
    sessions
      .command('list')
      .description("list a user's sessions, with their devices")
      .requiredOption('--tenant <tenant>', 'tenant name')
      .requiredOption('--user <email>', "the user's email"),
    async (out, o) => {
      const listed = await withRuntime(async (rt) => {
        const tenant = await rt.services.tenants.require(o.tenant);
        const user = await rt.services.accounts.requireByEmail(tenant, o.user);
        return (await rt.services.users.sessions(tenant, user.id)).map((s) => ({
          id: s.id,
          client_id: s.app.clientId,
          parent_id: s.parentId,
          status: s.status,
          device: s.device,
          amr: s.amr,
          created_at: new Date(s.createdAt).toISOString(),
          last_used_at: new Date(s.lastUsedAt).toISOString(),
          expires_at: new Date(s.expiresAt).toISOString(),
          revoked_at: s.revokedAt === null ? null : new Date(s.revokedAt).toISOString(),
          revoked_reason: s.revokedReason,
        }));
      });
      out.result(listed, () =>
        listed.length === 0
          ? 'No sessions'
          : listed
              .map(
                (s) =>
                  shown`${s.id}  ${s.status.padEnd(7)}  ${s.device.kind}/${s.device.name}  client ${s.client_id}${s.parent_id ? `  child of ${s.parent_id}` : ''}  last used ${s.last_used_at}`,
              )
              .join('\n'),
      );
    },
  );

  run(
    sessions
      .command('revoke')
      .description('revoke one session (and its children) or every session of a user')
      .requiredOption('--tenant <tenant>', 'tenant name')
      .option('--session <id>', 'session id')
      .option('--user <email>', "the user's email"),
    async (out, o) => {
      if (Boolean(o.session) === Boolean(o.user))
        throw new BatonError('malformed_request', 'Give exactly one of --session <id> or --user <email>');
      const revoked = await withRuntime(async (rt) => {
        const tenant = await rt.services.tenants.require(o.tenant);
        if (o.user)
          return rt.services.users.revokeSessions(
            tenant,
            (await rt.services.accounts.requireByEmail(tenant, o.user)).id,
            cliCaller(),
          );
        return rt.services.users.revokeSession(tenant, o.session, cliCaller());
      });
      out.result({ revoked }, () =>
        revoked.length
          ? `Revoked ${revoked.length} session(s): ${revoked.join(', ')}`
          : 'Nothing to revoke: already revoked',
      );
    },
  );
}
