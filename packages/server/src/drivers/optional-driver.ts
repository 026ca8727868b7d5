// The database and Redis drivers are optional dependencies: a deployment installs only the one its
// configuration uses (better-sqlite3 for sqlite:, pg for postgres://, ioredis for TESSERA_REDIS_URL),
// and a module that needs one loads it here, on first use, rather than importing it at the top.
// They are CommonJS packages, so a synchronous require keeps the call sites synchronous.
import { createRequire } from 'node:module';
import { ConfigError } from '../config/config.js';

export const OPTIONAL_DRIVERS = {
  'better-sqlite3': { variable: 'TESSERA_DATABASE_URL', usedFor: 'a sqlite: database (the default)' },
  pg: { variable: 'TESSERA_DATABASE_URL', usedFor: 'a postgres:// database' },
  ioredis: { variable: 'TESSERA_REDIS_URL', usedFor: 'Redis' },
} as const;

export type DriverName = keyof typeof OPTIONAL_DRIVERS;

/** A configuration names a backend whose driver package is not installed. Exit 2 from the CLI. */
export class MissingDriverError extends ConfigError {
  readonly code = 'ERR_DRIVER_MISSING';
  readonly packageName: DriverName;
  constructor(name: DriverName, options?: { cause?: unknown }) {
    const { variable, usedFor } = OPTIONAL_DRIVERS[name];
    super(
      variable,
      `${usedFor} needs the '${name}' package, which is not installed: run npm install ${name}`,
    );
    this.packageName = name;
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

const here = import.meta.url;

/** Whether the driver can be found, without loading it (`tessera config check`). */
export function hasOptionalDriver(name: DriverName, from: string | URL = here): boolean {
  try {
    createRequire(from).resolve(name);
    return true;
  } catch {
    return false;
  }
}

// Loaded drivers, so each is resolved once per process: callers ask on hot paths too (pg's type
// parser asks for every column of every result), and createRequire resolves the package anew on
// each call (9% of a PostgreSQL refresh's CPU, measured with perf).
const loaded = new Map<DriverName, unknown>();

/**
 * Loads a driver package, or throws MissingDriverError naming it. `from` is where resolution
 * starts (this package by default; tests pass a directory without drivers).
 */
export function loadOptionalDriver<T>(name: DriverName, from: string | URL = here): T {
  const cached = from === here ? loaded.get(name) : undefined;
  if (cached !== undefined) return cached as T;
  try {
    const driver = createRequire(from)(name) as T;
    if (from === here) loaded.set(name, driver);
    return driver;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Only the driver itself being absent is "not installed"; a broken install keeps its own error.
    if (code === 'MODULE_NOT_FOUND' && (err as Error).message.includes(`'${name}'`)) {
      throw new MissingDriverError(name, { cause: err });
    }
    throw err;
  }
}

export const loadPg = (): typeof import('pg') => loadOptionalDriver('pg');
export const loadIoredis = (): typeof import('ioredis') => loadOptionalDriver('ioredis');
export const loadBetterSqlite3 = (): typeof import('better-sqlite3') => loadOptionalDriver('better-sqlite3');
