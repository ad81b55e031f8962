import { loadConfig } from '../config/config.js';
import { openRuntime, type Runtime } from '../runtime.js';
import { createLogger } from '../logger.js';

/** Runs `work` against the configured database and closes it afterwards. CLI logs are quiet unless asked for. */
export async function withRuntime<T>(work: (runtime: Runtime) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const runtime = await openRuntime(config, { logger: createLogger(process.env.BATON_LOG_LEVEL ?? 'warn') });
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}
