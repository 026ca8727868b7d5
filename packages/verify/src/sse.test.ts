import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type SseEvent, SseParser } from './sse.js';

function parse(chunks: string[]): { events: SseEvent[]; comments: string[]; retry: number[] } {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const retry: number[] = [];
  const parser = new SseParser({
    onEvent: (e) => events.push(e),
    onComment: (c) => comments.push(c),
    onRetry: (ms) => retry.push(ms),
  });
  for (const c of chunks) parser.push(c);
  return { events, comments, retry };
}

describe('SseParser (WHATWG event-stream)', () => {
  test('parses events, ids, comments and retry', () => {
    const out = parse([': ping\n\nevent: revocation\nid: 7\ndata: {"a":1}\n\nretry: 500\ndata: x\n\n']);
    assert.deepEqual(out.comments, ['ping']);
    assert.deepEqual(out.retry, [500]);
    assert.deepEqual(out.events, [
      { event: 'revocation', data: '{"a":1}', id: '7' },
      { event: 'message', data: 'x', id: '7' },
    ]);
  });

  test('gives the same result however the stream is chunked, with LF, CR or CRLF', () => {
    const text = 'event: revocation\r\nid: 1\r\ndata: line1\r\ndata: line2\r\n\r\nid: 2\rdata:no-space\r\r';
    const whole = parse([text]).events;
    assert.equal(whole.length, 2);
    assert.deepEqual(whole[0], { event: 'revocation', data: 'line1\nline2', id: '1' });
    assert.deepEqual(whole[1], { event: 'message', data: 'no-space', id: '2' });
    for (let size = 1; size < 8; size++) {
      const chunks: string[] = [];
      for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
      assert.deepEqual(parse(chunks).events, whole, `chunk size ${size}`);
    }
  });

  test('an event without data is not dispatched; an unfinished one waits', () => {
    assert.deepEqual(parse(['event: x\n\n']).events, []);
    assert.deepEqual(parse(['data: half']).events, []);
  });

  test('refuses an endless line', () => {
    const parser = new SseParser({ onEvent: () => {} });
    assert.throws(() => parser.push('x'.repeat((1 << 20) + 1)), RangeError);
  });
});
