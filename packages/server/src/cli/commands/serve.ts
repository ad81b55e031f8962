import type { Command } from 'commander';
import { ensureDemoTenant } from '../../bootstrap.js';
import { ConfigError, loadConfig } from '../../config/config.js';
import { openRuntime, startServer } from '../../runtime.js';
import type { RunCommand } from '../output.js';

export function serveCommand(program: Command, run: RunCommand) {
  run(
    program.command('serve').description('run the Baton server (creates the demo tenant on an empty database)'),
    async (out) => {
      const config = loadConfig();
      const runtime = await openRuntime(config);
      if (!config.production)
        runtime.logger.warn(
          'Development mode: insecure defaults allowed; set NODE_ENV=production, BATON_MASTER_KEY and an https BATON_PUBLIC_URL for real deployments',
        );
      const demo = await ensureDemoTenant(runtime.services);
      const server = await startServer(runtime).catch(async (error: unknown) => {
        await runtime.close();
        throw listenFailure(error, config.host, config.port);
      });
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
        { url: server.url, public_url: config.publicUrl, database: runtime.database.engine, demo: demoInfo ?? null },
        () =>
          [
            `Baton is listening on ${server.url} (public URL ${config.publicUrl}, ${runtime.database.engine} database)`,
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
