// Config loading (the server's loadConfig) on random environment maps: real variable names with
// hostile values, unknown names, a random TESSERA_CONFIG_FILE. Property: it returns a frozen config
// or throws ConfigError naming a variable, never any other error.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '@tessera/server';
import fc from 'fast-check';
import { envSchema } from '../../packages/server/dist/src/config/schema.js';
import { runForBudget } from '../lib/budget.mjs';

const NAMES = Object.keys(envSchema.shape);
const dir = mkdtempSync(join(tmpdir(), 'tessera-fuzz-config-'));
const files = [
  ['valid.json', JSON.stringify({ TESSERA_PORT: 9000, TESSERA_ALG: 'EdDSA' })],
  ['array.json', '[1,2]'],
  ['bad.json', '{"TESSERA_PORT": '],
  ['unknown.json', '{"PORT": 1}'],
  ['nested.json', '{"TESSERA_AUDIENCE": {"a": [1, {"b": null}]}}'],
  ['proto.json', '{"__proto__": {"TESSERA_PORT": "x"}, "TESSERA_LOG_LEVEL": "debug"}'],
  ['empty.json', ''],
  ['binary.json', '\u0000\u00ff\ufffe'],
].map(([name, text]) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
});

const hostile = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.integer().map(String),
  fc.double().map(String),
  fc.constantFrom(
    '',
    ' ',
    '0',
    '-1',
    '1e309',
    'NaN',
    'Infinity',
    '0x10',
    '65536',
    '99999999999999999999',
    '1/0',
    '0/15m',
    '5/0s',
    '100/15m',
    '10/1',
    '15m',
    '7d',
    '1y',
    '-5m',
    'true',
    'false',
    'yes',
    'maybe',
    'production',
    'development',
    'sqlite:',
    'sqlite::memory:',
    'sqlite:/nonexistent/x.db',
    'postgres://',
    'postgres://u:p@h:99999/d',
    'redis://',
    'http://',
    'https://auth.example.com',
    'javascript:alert(1)',
    'a'.repeat(5000),
    '10.0.0.0/33',
    '::1/129',
    '1.2.3.4/8',
    'ES256',
    'HS256',
    'none',
    'silent',
    'info',
    '__proto__',
    'constructor',
    'A'.repeat(43),
    'AAAA',
    '00'.repeat(32),
    'abcd'.repeat(16),
    '*',
    'https://a.test,https://b.test',
    ',,,',
  ),
  fc.constantFrom(...files),
);

const envArb = fc.oneof(
  fc.dictionary(fc.constantFrom(...NAMES, 'TESSERA_UNKNOWN', '__proto__', 'constructor'), hostile, {
    maxKeys: 8,
  }),
  fc.dictionary(fc.string({ maxLength: 20 }), hostile, { maxKeys: 4 }),
);

export async function configTarget(seconds) {
  const counter = { n: 0 };
  const property = fc.property(envArb, fc.boolean(), (env, production) => {
    counter.n += 1;
    const input = { ...env };
    if (production) input.NODE_ENV = 'production';
    try {
      const config = loadConfig(input);
      if (!Object.isFrozen(config)) throw new Error('config is not frozen');
    } catch (err) {
      if (err instanceof ConfigError) {
        if (!/^TESSERA_|^NODE_ENV|^configuration/.test(err.variable ?? err.message)) {
          throw new Error(`ConfigError without a variable: ${err.message}`);
        }
        return;
      }
      throw new Error(`untyped config error ${err?.name}: ${err?.message}`, { cause: err });
    }
  });
  return runForBudget('config-load', property, { seconds, counter, chunk: 300 });
}
