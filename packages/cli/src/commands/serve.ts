// `tessera serve`: validates TESSERA_* configuration, applies pending migrations, starts the auth
// server, and shuts down gracefully on SIGINT/SIGTERM. Configuration errors exit 2.
import {
  ConfigError,
  loadConfig,
  MasterKeyError,
  productionWarnings,
  type RunningServer,
  startServer,
} from '@tessera/server';
import { type Command, EXIT_OK, EXIT_USAGE } from '../command.js';
import { onePositional, parseOptions } from '../lib/args.js';

export const serve: Command = {
  name: 'serve',
  summary: 'run the auth server (applies pending database migrations first)',
  usage: `Usage: tessera serve [--port N] [--host ADDRESS]

Starts the auth server configured by TESSERA_* environment variables (see packages/server/README.md).
Without configuration it serves a developer: SQLite under ./.tessera/, a generated development
master key, issuer http://localhost:8080. NODE_ENV=production requires TESSERA_MASTER_KEY.

Options:
  --port N          overrides TESSERA_PORT (default 8080)
  --host ADDRESS    overrides TESSERA_HOST (default 127.0.0.1)

Exit codes: 0 after a clean shutdown (SIGINT/SIGTERM), 2 on a configuration error.

Example:
  TESSERA_ISSUER=https://auth.example.com TESSERA_MASTER_KEY=$(tessera secret generate) tessera serve`,

  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, {
      port: { type: 'string' },
      host: { type: 'string' },
    });
    onePositional(positionals, 'argument', 0);
    const env = { ...io.env };
    if (values.port !== undefined) env.TESSERA_PORT = values.port;
    if (values.host !== undefined) env.TESSERA_HOST = values.host;

    let server: RunningServer;
    try {
      const config = loadConfig(env);
      server = await startServer(config);
      // Started, but said loudly: the same list `tessera config check` prints.
      if (config.production) {
        for (const w of productionWarnings(config)) {
          server.ctx.logger.warn(
            { variable: w.variable },
            `unsafe for production: ${w.variable} ${w.problem}`,
          );
        }
      }
    } catch (err) {
      if (err instanceof ConfigError || err instanceof MasterKeyError) {
        io.err(`tessera: configuration error: ${err.message}`);
        return EXIT_USAGE;
      }
      throw err;
    }
    return new Promise<number>((resolve) => {
      const stop = (signal: string) => {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
        server.ctx.logger.info({ signal }, 'shutting down');
        server.close().then(
          () => resolve(EXIT_OK),
          (err: unknown) => {
            io.err(`tessera: shutdown failed: ${(err as Error).message}`);
            resolve(1);
          },
        );
      };
      const onInt = () => stop('SIGINT');
      const onTerm = () => stop('SIGTERM');
      process.once('SIGINT', onInt);
      process.once('SIGTERM', onTerm);
    });
  },
};
