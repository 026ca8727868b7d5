import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger } from './logger.js';

test('the logger redacts credentials wherever they sit', () => {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ level: 'info', destination });
  logger.info(
    {
      req: { headers: { authorization: 'Bearer eyJsecret.header', cookie: 'tessera_rt=cookie-secret' } },
      res: { headers: { 'set-cookie': 'tessera_rt=set-cookie-secret' } },
      body: { password: 'body-password-secret', refresh_token: 'body-refresh-secret' },
      password: 'top-password-secret',
      access_token: 'top-access-secret',
      client: { client_secret: 'nested-client-secret', token: 'nested-token-secret' },
      email: 'kept@example.com',
    },
    'login attempt',
  );
  const out = lines.join('');
  for (const secret of [
    'eyJsecret',
    'cookie-secret',
    'set-cookie-secret',
    'body-password',
    'body-refresh',
    'top-password',
    'top-access',
    'nested-client',
    'nested-token',
  ]) {
    assert.equal(out.includes(secret), false, `${secret} leaked`);
  }
  assert.ok(out.includes('[redacted]'));
  assert.ok(out.includes('kept@example.com'), 'non-secret fields stay');
});

test('levels are written as names', () => {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ level: 'info', destination });
  logger.warn('careful');
  logger.error('broken');
  logger.debug('hidden');
  const levels = lines.map((line) => (JSON.parse(line) as { level: unknown }).level);
  assert.deepEqual(levels, ['warn', 'error']);
});
