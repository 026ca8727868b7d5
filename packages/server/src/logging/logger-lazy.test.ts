import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { createLogger, lazyChildLoggerFactory } from './logger.js';

function capture(level: 'warn' | 'info') {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ level, destination }), lines };
}

describe('lazyChildLoggerFactory', () => {
  test('below the level nothing is written; at the level the line carries the request id', () => {
    const { logger, lines } = capture('warn');
    const child = lazyChildLoggerFactory(logger, { reqId: 'req-1' }, {});
    child.info({ a: 1 }, 'skipped');
    child.debug('skipped too');
    assert.equal(lines.length, 0);
    child.warn({ detail: 'x' }, 'kept');
    child.error('also kept %s', 'here');
    assert.equal(lines.length, 2);
    const [warn, error] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(warn?.reqId, 'req-1');
    assert.equal(warn?.msg, 'kept');
    assert.equal(warn?.detail, 'x');
    assert.equal(error?.reqId, 'req-1');
    assert.equal(error?.msg, 'also kept here');
  });

  test('redaction still applies to lines written through the lazy child', () => {
    const { logger, lines } = capture('info');
    const child = lazyChildLoggerFactory(logger, { reqId: 'req-2' }, {});
    child.info({ body: { password: 'hunter2-secret' } }, 'with a body');
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.includes('hunter2-secret'), false);
    assert.match(lines[0] ?? '', /"reqId":"req-2"/);
  });

  test('level and child follow the parent', () => {
    const { logger, lines } = capture('info');
    const child = lazyChildLoggerFactory(logger, { reqId: 'req-3' }, {});
    assert.equal(child.level, 'info');
    child.child({ extra: 'y' }).info('nested');
    const line = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    assert.equal(line.reqId, 'req-3');
    assert.equal(line.extra, 'y');
  });

  test('a route-level log level gets a real pino child at once', () => {
    const { logger, lines } = capture('warn');
    const child = lazyChildLoggerFactory(logger, { reqId: 'req-4' }, { level: 'debug' });
    child.debug('route debug');
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? '', /"reqId":"req-4"/);
  });
});
