// Test databases on a real PostgreSQL (scripts/services/postgres.sh prints the URL to put in
// TESSERA_TEST_POSTGRES_URL). Each `create()` makes a fresh database and drops it afterwards, so
// test files and runs never see each other's rows.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createStores } from '../../src/stores/index.js';
import type { StoresFactory } from './stores-conformance.js';

export const POSTGRES_URL_VARIABLE = 'TESSERA_TEST_POSTGRES_URL';

/** The URL from the environment, or undefined. */
export function testPostgresUrl(): string | undefined {
  const value = process.env[POSTGRES_URL_VARIABLE]?.trim();
  return value ? value : undefined;
}

/** Why PostgreSQL tests cannot run: a failure in CI, a skip reason elsewhere. */
export const POSTGRES_MISSING =
  `${POSTGRES_URL_VARIABLE} is not set: run scripts/services/postgres.sh and ` +
  `export ${POSTGRES_URL_VARIABLE}="$(scripts/services/postgres.sh)"`;

export function isCi(): boolean {
  return process.env.CI === 'true' || process.env.CI === '1';
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function admin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh, empty database on the server of `url`; `dispose()` drops it. */
export async function createTempPostgres(url: string): Promise<{ url: string; dispose(): Promise<void> }> {
  const name = `tessera_test_${randomBytes(6).toString('hex')}`;
  await admin(url, (c) => c.query(`create database ${name}`)); // name is ours: [a-z0-9_] only
  return {
    url: withDatabase(url, name),
    dispose: () => admin(url, (c) => c.query(`drop database if exists ${name} with (force)`)).then(() => {}),
  };
}

export function postgresFactory(url: string): StoresFactory {
  return {
    name: 'postgres (fresh database)',
    async create() {
      const temp = await createTempPostgres(url);
      return {
        url: temp.url,
        open: () => createStores({ databaseUrl: temp.url, postgres: { poolSize: 5 } }),
        dispose: temp.dispose,
      };
    },
  };
}
