// Runs the storage conformance suite (support/stores-conformance.ts) against every backend:
// SQLite on a temporary file, and PostgreSQL when TESSERA_TEST_POSTGRES_URL is set (required in CI).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isCi, POSTGRES_MISSING, postgresFactory, testPostgresUrl } from './support/db-postgres.js';
import { sqliteFactory } from './support/db-sqlite.js';
import { storesConformance } from './support/stores-conformance.js';

storesConformance(sqliteFactory);

const postgresUrl = testPostgresUrl();
if (postgresUrl) {
  storesConformance(postgresFactory(postgresUrl));
} else if (isCi()) {
  test('stores conformance: postgres', () => assert.fail(POSTGRES_MISSING));
} else {
  test('stores conformance: postgres', { skip: POSTGRES_MISSING }, () => {});
}
