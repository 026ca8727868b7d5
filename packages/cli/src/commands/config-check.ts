// `tessera config check`: loads and validates the configuration exactly as `tessera serve` would
// (environment, TESSERA_CONFIG_FILE, TESSERA_X_FILE secrets, production rules, driver packages),
// then lists the settings that are unsafe for production. Nothing is started or written.
import {
  type Config,
  ConfigError,
  type DriverName,
  hasOptionalDriver,
  loadConfig,
  MasterKeyError,
  MissingDriverError,
  productionWarnings,
} from '@tessera/server';
import { type Command, EXIT_BAD, EXIT_OK, EXIT_USAGE, type Io } from '../command.js';
import { onePositional, parseOptions } from '../lib/args.js';

export const configCheck: Command = {
  name: 'config check',
  summary: 'validate the configuration as serve would; list what is unsafe for production',
  usage: `Usage: tessera config check [--production] [--port N] [--host ADDRESS] [--json]

Reads TESSERA_* variables (and TESSERA_CONFIG_FILE, and TESSERA_X_FILE secrets) exactly as
'tessera serve' does, checks that the database and Redis driver packages it needs are installed,
and lists the settings that are unsafe for production (an http:// issuer, TESSERA_COOKIE_SECURE=false,
http:// allowed origins, a trusted-proxy list that trusts everyone, debug logging). Secrets are never
printed. Nothing is started, created or written.

Options:
  --production      check as if NODE_ENV=production (secrets then required and checked for strength)
  --port N          as serve's --port
  --host ADDRESS    as serve's --host
  --json            print {"ok", "production", "error"?, "unsafe": [{"variable", "problem"}], "summary"}

Exit codes: 0 the configuration is valid (in development mode, unsafe settings are listed but do
not fail); 1 production mode (NODE_ENV=production or --production) with unsafe settings;
2 a configuration error (the same that would stop 'tessera serve').

Example:
  NODE_ENV=production TESSERA_MASTER_KEY_FILE=/run/secrets/master_key tessera config check`,

  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, {
      production: { type: 'boolean' },
      port: { type: 'string' },
      host: { type: 'string' },
      json: { type: 'boolean' },
    });
    onePositional(positionals, 'argument', 0);
    const env = { ...io.env };
    if (values.production) env.NODE_ENV = 'production';
    if (values.port !== undefined) env.TESSERA_PORT = values.port;
    if (values.host !== undefined) env.TESSERA_HOST = values.host;

    let config: Config;
    try {
      config = loadConfig(env);
      for (const name of driversFor(config)) {
        if (!hasOptionalDriver(name)) throw new MissingDriverError(name);
      }
    } catch (err) {
      if (!(err instanceof ConfigError || err instanceof MasterKeyError)) throw err;
      const variable = err instanceof ConfigError ? err.variable : 'TESSERA_MASTER_KEY';
      if (values.json) {
        io.out(JSON.stringify({ ok: false, error: { variable, message: err.message }, unsafe: [] }));
      } else {
        io.err(`tessera: configuration error: ${err.message}`);
      }
      return EXIT_USAGE;
    }

    const unsafe = productionWarnings(config);
    const failing = config.production && unsafe.length > 0;
    if (values.json) {
      io.out(
        JSON.stringify({ ok: !failing, production: config.production, unsafe, summary: summary(config) }),
      );
    } else {
      report(io, config, unsafe);
    }
    return failing ? EXIT_BAD : EXIT_OK;
  },
};

function driversFor(config: Config): DriverName[] {
  const out: DriverName[] = [config.databaseUrl.startsWith('sqlite:') ? 'better-sqlite3' : 'pg'];
  if (config.redisUrl !== undefined) out.push('ioredis');
  return out;
}

/** What the server would run with; URLs lose their credentials, secrets are only "set". */
function summary(config: Config) {
  return {
    mode: config.production ? 'production' : 'development',
    listen: `${config.host}:${config.port}`,
    issuer: config.issuer,
    audience: config.audience,
    alg: config.alg,
    database: withoutCredentials(config.databaseUrl),
    redis: config.redisUrl === undefined ? 'none (in-process)' : withoutCredentials(config.redisUrl),
    masterKey: config.masterKey !== undefined ? 'set' : 'development key file',
  };
}

function withoutCredentials(url: string): string {
  if (url.startsWith('sqlite:')) return url;
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '(unparseable URL)';
  }
}

function report(io: Io, config: Config, unsafe: { variable: string; problem: string }[]): void {
  const s = summary(config);
  io.out(`configuration is valid (${s.mode} mode)`);
  for (const [key, value] of Object.entries(s)) if (key !== 'mode') io.out(`  ${key.padEnd(9)} ${value}`);
  if (unsafe.length === 0) {
    io.out('nothing unsafe for production found');
    return;
  }
  io.out(
    config.production
      ? `unsafe for production (${unsafe.length}):`
      : `would be unsafe in production (${unsafe.length}):`,
  );
  for (const w of unsafe) io.out(`  ${w.variable} ${w.problem}`);
}
