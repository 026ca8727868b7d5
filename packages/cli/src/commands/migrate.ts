// `tessera migrate`: applies pending database migrations (what `tessera serve` does at start-up).
import { ConfigError, createStores, loadConfig } from '@tessera/server';
import { type Command, EXIT_OK, EXIT_USAGE } from '../command.js';
import { onePositional, parseOptions } from '../lib/args.js';

export const migrate: Command = {
  name: 'migrate',
  summary: 'apply pending database migrations (SQLite or PostgreSQL) and exit',
  usage: `Usage: tessera migrate [--database-url URL] [--json]

Applies the pending migrations to TESSERA_DATABASE_URL (default sqlite:./.tessera/tessera.db).

Options:
  --database-url URL   overrides TESSERA_DATABASE_URL (sqlite:PATH or postgres://...)
  --json               print {"applied": [...]}

Example:
  TESSERA_DATABASE_URL=postgres://tessera@db/tessera tessera migrate`,

  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, {
      'database-url': { type: 'string' },
      json: { type: 'boolean' },
    });
    onePositional(positionals, 'argument', 0);
    const env = { ...io.env };
    if (values['database-url'] !== undefined) env.TESSERA_DATABASE_URL = values['database-url'];
    let databaseUrl: string;
    try {
      databaseUrl = loadConfig(env).databaseUrl;
    } catch (err) {
      if (err instanceof ConfigError) {
        io.err(`tessera: configuration error: ${err.message}`);
        return EXIT_USAGE;
      }
      throw err;
    }
    const stores = await createStores({ databaseUrl });
    try {
      const applied = await stores.migrate();
      if (values.json) io.out(JSON.stringify({ applied }));
      else if (applied.length === 0) io.out('database is up to date');
      else for (const name of applied) io.out(`applied ${name}`);
      return EXIT_OK;
    } finally {
      await stores.close();
    }
  },
};
