import { Option, type Command } from 'commander';
import { auditEventTypeNames } from '../../core/audit/audit-event-types.js';
import { maxPageSize } from '../../core/paging.js';
import { BatonError } from '../../core/errors.js';
import { withRuntime } from '../context.js';
import { auditEventView } from '../../views/audit-event-view.js';
import { shown, type RunCommand } from '../output.js';

/** `baton audit list`: a tenant's audit trail, newest first, as an operator reads it. */
export function auditCommands(program: Command, run: RunCommand) {
  const audit = program.command('audit').description("read a tenant's audit trail");
  run(
    audit
      .command('list')
      .description('list audit events, newest first')
      .requiredOption('--tenant <tenant>', 'tenant name')
      .option('--user <email>', "only this user's events")
      .addOption(
        new Option('--type <type>', 'only events of this type (docs/audit.md lists them)').choices(auditEventTypeNames),
      )
      .option('--limit <n>', `how many events at most (1-${maxPageSize})`, '50'),
    async (out, o) => {
      const events = await withRuntime(async (rt) => {
        const tenant = await rt.services.tenants.require(o.tenant);
        const user = o.user ? await rt.services.accounts.requireByEmail(tenant, o.user) : null;
        const page = await rt.services.audit.page(tenant, {
          limit: Number(o.limit),
          ...(o.type ? { type: o.type } : {}),
          ...(user ? { userId: user.id } : {}),
        });
        return page.items;
      });
      const listed = events.map(auditEventView);
      out.result(listed, () =>
        listed.length === 0
          ? 'No events'
          : listed
              .map(
                (e) =>
                  shown`${e.at}  ${e.type.padEnd(32)}  user ${e.user_id ?? '-'}  client ${e.client_id ?? '-'}  ip ${e.ip ?? '-'}`,
              )
              .join('\n'),
      );
    },
  );

  run(
    audit
      .command('prune')
      .description('delete audit events older than a number of days (of one tenant, or of all)')
      .requiredOption('--older-than <days>', 'delete events recorded more than this many days ago')
      .option('--tenant <tenant>', "only this tenant's events"),
    async (out, o) => {
      const days = Number(o.olderThan);
      if (!Number.isInteger(days) || days < 1)
        throw new BatonError('malformed_request', '--older-than must be a whole number of days, 1 or more');
      const deleted = await withRuntime(async (rt) => {
        const tenant = o.tenant ? await rt.services.tenants.require(o.tenant) : null;
        return rt.services.audit.prune(rt.services.clock.now() - days * 86_400_000, tenant?.id);
      });
      out.result({ deleted }, () => `Deleted ${deleted} audit event(s) older than ${days} day(s)`);
    },
  );
}
