import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StorageUnavailableError } from '../types.js';
import { isUnavailableError } from './unavailable.js';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

test('connection failures count as unavailable', () => {
  for (const err of [
    withCode('ECONNREFUSED'),
    withCode('ECONNRESET'),
    withCode('08006'), // connection_failure
    withCode('57P01'), // admin_shutdown
    withCode('57014'), // statement_timeout
    withCode('SQLITE_BUSY'),
    new Error('Connection terminated unexpectedly'),
    new Error('timeout exceeded when trying to connect'),
    new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')]),
    new StorageUnavailableError(),
  ]) {
    assert.equal(isUnavailableError(err), true, String(err));
  }
});

test('query and constraint errors are not unavailability', () => {
  for (const err of [
    withCode('23505'), // unique_violation
    withCode('42P01'), // undefined_table
    withCode('SQLITE_CONSTRAINT_UNIQUE'),
    new Error('syntax error'),
    null,
    'ECONNREFUSED',
  ]) {
    assert.equal(isUnavailableError(err), false, String(err));
  }
});

test('StorageUnavailableError has a stable code and a message without detail', () => {
  const err = new StorageUnavailableError({
    cause: new Error('connect ECONNREFUSED 10.0.0.1:5432 password=x'),
  });
  assert.equal(err.code, 'ERR_STORAGE_UNAVAILABLE');
  assert.equal(err.message, 'storage unavailable');
  assert.equal(err.statusCode, 503);
  assert.ok(err.cause instanceof Error);
});
