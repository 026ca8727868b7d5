import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadConfig } from './load.js';
import { productionWarnings } from './production-warnings.js';

const MASTER = 'q7Jw0vZ3xN9bT2mK5pR8sL1dF4gH6jY0uC3eA7iO9kM';
const safe = {
  NODE_ENV: 'production',
  TESSERA_MASTER_KEY: MASTER,
  TESSERA_ISSUER: 'https://auth.example.com',
  TESSERA_ALLOWED_ORIGINS: 'https://app.example.com',
  TESSERA_TRUSTED_PROXIES: '10.0.0.0/8',
};

describe('productionWarnings', () => {
  test('a safe production configuration has none', () => {
    assert.deepEqual(productionWarnings(loadConfig(safe)), []);
  });

  test('an http issuer, a non-Secure cookie, an http origin, a trust-everyone proxy list, debug logs', () => {
    const config = loadConfig({
      ...safe,
      TESSERA_ISSUER: 'http://auth.example.com',
      TESSERA_COOKIE_SECURE: 'false',
      TESSERA_ALLOWED_ORIGINS: 'https://app.example.com,http://legacy.example.com,http://localhost:5173',
      TESSERA_TRUSTED_PROXIES: '10.0.0.0/8,0.0.0.0/0',
      TESSERA_LOG_LEVEL: 'debug',
    });
    const found = productionWarnings(config);
    assert.deepEqual(
      found.map((w) => w.variable),
      [
        'TESSERA_ISSUER',
        'TESSERA_COOKIE_SECURE',
        'TESSERA_ALLOWED_ORIGINS',
        'TESSERA_TRUSTED_PROXIES',
        'TESSERA_LOG_LEVEL',
      ],
    );
    assert.match(found[2]?.problem ?? '', /http:\/\/legacy\.example\.com/);
    for (const w of found) assert.ok(!w.problem.includes(MASTER));
  });

  test('the development defaults would be unsafe in production (http issuer)', () => {
    assert.deepEqual(
      productionWarnings(loadConfig({})).map((w) => w.variable),
      ['TESSERA_ISSUER'],
    );
  });
});
