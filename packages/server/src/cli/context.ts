import { userInfo } from 'node:os';
import { loadConfig } from '../config/config.js';
import type { AdminCaller } from '../core/audit/admin-caller.js';
import { openRuntime, type Runtime } from '../runtime.js';
import { createLogger } from '../logger.js';

/**
 * Runs `work` against the configured database and closes it afterwards. CLI logs are
 * quiet unless asked for. Only the commands that may create a database (`tenant create`)
 * pass `create`; the others fail where there is none (storage/installation.ts).
 */
export async function withRuntime<T>(
  work: (runtime: Runtime) => Promise<T>,
  options: { create?: boolean } = {},
): Promise<T> {
  const config = loadConfig();
  const runtime = await openRuntime(config, {
    logger: createLogger(process.env.BATON_LOG_LEVEL ?? 'warn'),
    create: options.create ?? false,
  });
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}

/** The audit trail's name for whoever runs the command: `cli:` and the OS user. */
export function cliCaller(): AdminCaller {
  let name: string;
  try {
    name = userInfo().username;
  } catch {
    // A container user without a passwd entry has no name, only a number.
    name = process.env.USER ?? String(process.getuid?.() ?? 'unknown');
  }
  return { actor: `cli:${name}` };
}
