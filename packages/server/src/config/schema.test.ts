import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { envSchema } from './schema.js';

// Compiled tests run from dist/src/config/.
const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

test('every configuration variable is documented in the README table', () => {
  for (const name of Object.keys(envSchema.shape)) {
    const row = README.split('\n').find((line) => line.startsWith('| `') && line.includes(`\`${name}\``));
    assert.ok(row, `${name} is not documented`);
  }
});
