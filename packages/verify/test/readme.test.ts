// Every VerifyError code is documented in the README (like core's check for its own codes).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as errors from '../src/errors.js';
import { VERIFY_ERROR_CODES, VerifyError } from '../src/index.js';

// Compiled tests run from dist/test/: the README is two levels up.
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

test('every VerifyError code is documented in README.md', () => {
  // A table row starting with the code (the formatter may pad the cells).
  const rows = readme.split('\n').filter((line) => line.startsWith('|'));
  for (const code of VERIFY_ERROR_CODES) {
    const documented = rows.some((row) => row.slice(1).trim().startsWith(`\`${code}\``));
    assert.ok(documented, `${code} is not in the README table`);
  }
});

test('each error class carries a listed code and a static message', () => {
  const classes = (Object.values(errors) as unknown[]).filter(
    (v): v is new () => VerifyError =>
      typeof v === 'function' && (v as { prototype?: unknown }).prototype instanceof VerifyError,
  );
  assert.ok(classes.length >= VERIFY_ERROR_CODES.length - 1);
  const seen = new Set<string>();
  for (const Cls of classes) {
    const err = new Cls();
    assert.ok(VERIFY_ERROR_CODES.includes(err.code), err.code);
    assert.equal(err.name, Cls.name);
    seen.add(err.code);
  }
  assert.deepEqual([...seen].sort(), [...VERIFY_ERROR_CODES].sort());
});
