import cluster from 'node:cluster';
import type { Command } from 'commander';
import { ensureDemoTenant } from '../../bootstrap.js';
import { type Config, ConfigError, loadConfig } from '../../config/config.js';
import { openRuntime, type Runtime, startServer } from '../../runtime.js';
import { reportToPrimary, shareMetricsWithPrimary, startWorkerGroup } from '../../worker-group.js';
import type { RunCommand } from '../output.js';

export function serveCommand(program: Command, run: RunCommand) {
  run(
    program.command('serve').description('run the Baton server (creates the demo tenant on an empty database)'),
    async (out) => {
      const config = loadConfig();
      if (cluster.isWorker) return serveAsWorker(config);
      const runtime = await openRuntime(config);
      if (!config.production)
        runtime.logger.warn(
          'Development mode: insecure defaults allowed; set NODE_ENV=production, BATON_MASTER_KEY and an https BATON_PUBLIC_URL for real deployments',
        );
      const demo = await ensureDemoTenant(runtime.services);
      const server = await (config.workers === 1 ? startServer(runtime) : startWorkers(runtime)).catch(
        async (error: unknown) => {
          await runtime.close();
          throw listenFailure(error, config.host, config.port);
        },
      );
      const shutdown = async () => {
        runtime.logger.info('shutting down');
        await server.close();
        process.exit(0);
      };
      process.once('SIGINT', shutdown).once('SIGTERM', shutdown);
      const demoInfo = demo && {
        tenant: demo.tenant.name,
        client_id: demo.app.clientId,
        discovery_url: `${config.publicUrl}/${demo.tenant.name}/v2.0/.well-known/openid-configuration`,
        native_auth_base_url: `${config.publicUrl}/${demo.tenant.name}`,
      };
      out.result(
        {
          url: server.url,
          public_url: config.publicUrl,
          database: runtime.database.engine,
          workers: config.workers,
          demo: demoInfo ?? null,
        },
        () =>
          [
            `Baton is listening on ${server.url} (public URL ${config.publicUrl}, ${runtime.database.engine} database, ${workerCount(config.workers)})`,
            ...(demoInfo
              ? [
                  `${demo?.created ? 'Created' : 'Using'} tenant "${demoInfo.tenant}" with a public native-auth app:`,
                  `  client_id:      ${demoInfo.client_id}`,
                  `  discovery URL:  ${demoInfo.discovery_url}`,
                  `  native-auth:    ${demoInfo.native_auth_base_url}  (MSAL's authApiProxyUrl)`,
                ]
              : []),
          ].join('\n'),
      );
    },
  );
}

const workerCount = (workers: number) => (workers === 1 ? 'one process' : `${workers} worker processes`);

/**
 * The primary of `BATON_WORKERS` > 1: it has migrated the database and made the demo
 * tenant; the workers serve. Its own connection is closed, as it serves nothing.
 */
async function startWorkers(runtime: Runtime) {
  const { config, logger } = runtime;
  await runtime.close();
  const metrics = config.metricsPort === undefined ? undefined : { host: config.metricsHost, port: config.metricsPort };
  const group = await startWorkerGroup(config.workers, { logger, metrics });
  if (group.metrics) logger.info({ url: group.metrics.url }, 'metrics listening');
  return group;
}

/** A worker: a whole server on the shared port; it tells the primary whether it listens, and stops on its signal. */
async function serveAsWorker(config: Config) {
  try {
    const runtime = await openRuntime(config);
    const server = await startServer(runtime, { metricsListener: false }).catch(async (error: unknown) => {
      await runtime.close();
      throw error;
    });
    if (runtime.metrics) shareMetricsWithPrimary(runtime.metrics.registry);
    const shutdown = async () => {
      await server.close();
      process.exit(0);
    };
    process.once('SIGINT', shutdown).once('SIGTERM', shutdown);
    await reportToPrimary({ kind: 'listening', url: server.url });
  } catch (error) {
    const { message = String(error), code } = error as { message?: string; code?: string };
    await reportToPrimary({ kind: 'failed', message, code });
    process.exit(1);
  }
}

/** A port that cannot be had, said in the operator's terms: which setting to change. */
function listenFailure(error: unknown, host: string, port: number): unknown {
  const code = (error as { code?: string }).code;
  if (code === 'EADDRINUSE')
    return new ConfigError(
      `Port ${port} on ${host} is already in use (another Baton?); stop it or set BATON_PORT to a free port`,
    );
  if (code === 'EACCES')
    return new ConfigError(
      `Port ${port} on ${host} needs privileges this user lacks; set BATON_PORT to a port above 1023`,
    );
  if (code === 'EADDRNOTAVAIL')
    return new ConfigError(
      `${host} is not an address of this machine; set BATON_HOST to one (127.0.0.1, or 0.0.0.0 for every interface)`,
    );
  return error;
}
