import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { API_ERROR_CODES, API_ERRORS, ApiError } from './errors.js';
import { toApiError } from './plugins/error-handler.js';

// Compiled tests run from dist/src/.
const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

test('every API error code is documented in the README with its status', () => {
  for (const code of API_ERROR_CODES) {
    const row = README.split('\n').find((line) => line.startsWith(`| \`${code}\` |`));
    assert.ok(row, `${code} is missing from the README error table`);
    assert.ok(row.includes(String(API_ERRORS[code].status)), `${code}: status ${API_ERRORS[code].status}`);
  }
});

test('ApiError serialises to {error, error_description} and keeps its headers', () => {
  const err = new ApiError('rate_limited', { headers: { 'retry-after': '5' } });
  assert.equal(err.status, 429);
  assert.deepEqual(err.toJSON(), {
    error: 'rate_limited',
    error_description: API_ERRORS.rate_limited.message,
  });
  assert.equal(err.headers['retry-after'], '5');
});

test('unknown errors become a generic 500 with no detail', () => {
  const err = toApiError(new Error('SQLITE_CORRUPT: database disk image is malformed at /var/lib/x'));
  assert.equal(err.status, 500);
  assert.equal(err.code, 'server_error');
  assert.equal(JSON.stringify(err.toJSON()).includes('SQLITE'), false);
  assert.equal(toApiError({ statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' }).status, 413);
  assert.equal(toApiError({ statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' }).status, 415);
});
