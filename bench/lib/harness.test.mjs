// Tests of the benchmark harness itself: `node --test bench/lib/`.
// They check behaviour (what ran, in which order, what was reported), never speed.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { assertClean, httpLoad, spawnServer } from './http-load.mjs';
import { measureInterleaved, measureSyncThenAsync } from './measure.mjs';
import { median, round, spread } from './stats.mjs';
import { formatTable, ratioTable } from './table.mjs';

describe('stats', () => {
  test('median of odd and even lists, unsorted input', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.throws(() => median([]), RangeError);
  });
  test('spread is half the range in percent of the median', () => {
    assert.equal(spread([90, 100, 110]), 10);
  });
  test('round keeps significant digits', () => {
    assert.equal(round(1234.5678, 3), 1235);
    assert.equal(round(0.012345, 3), 0.0123);
  });
});

describe('measureInterleaved', () => {
  test('runs every contender each round, rotating the order, and reports medians', async () => {
    const order = [];
    const mk = (name) => ({
      name,
      fn: () => {
        if (order.at(-1) !== name) order.push(name);
        return name;
      },
    });
    const res = await measureInterleaved([mk('a'), mk('b'), mk('c')], {
      rounds: 3,
      targetMs: 1,
      warmupMs: 1,
    });
    assert.deepEqual(
      res.map((r) => r.name),
      ['a', 'b', 'c'],
    );
    for (const r of res) {
      assert.equal(r.samples.length, 3);
      assert.equal(r.usPerOp, median(r.samples));
      assert.ok(r.batch >= 1);
    }
    // The timed rounds: a b c, then the reversed cycle (c b a) from its second place: b a c, then
    // c a b (its c runs right after the previous c, so the change log shows it once).
    assert.deepEqual(order.slice(-8), ['a', 'b', 'c', 'b', 'a', 'c', 'a', 'b']);
  });

  test('awaits async contenders', async () => {
    let settled = 0;
    const fn = () => Promise.resolve().then(() => settled++);
    const [r] = await measureInterleaved([{ name: 'async', async: true, fn }], {
      rounds: 2,
      targetMs: 1,
      warmupMs: 1,
    });
    assert.ok(settled >= r.batch * 2);
  });
});

describe('measureSyncThenAsync', () => {
  test('measures async contenders after the sync ones and keeps the given order', async () => {
    const log = [];
    const c = (name, isAsync) => ({
      name,
      async: isAsync,
      fn: isAsync ? async () => log.push(name) : () => log.push(name),
    });
    const res = await measureSyncThenAsync([c('s1', false), c('a1', true), c('s2', false)], {
      rounds: 1,
      targetMs: 1,
      warmupMs: 1,
    });
    assert.deepEqual(
      res.map((r) => r.name),
      ['s1', 'a1', 's2'],
    );
    assert.ok(log.lastIndexOf('s1') < log.indexOf('a1') && log.lastIndexOf('s2') < log.indexOf('a1'));
  });
});

describe('tables', () => {
  test('ratios against the baseline and the fastest peer (floors excluded)', () => {
    const s = (name, group, usPerOp) => ({ name, group, usPerOp, cpuUsPerOp: usPerOp, spreadPct: 0 });
    const t = ratioTable(
      [s('floor', 'floor', 1), s('mine', 'tessera', 2), s('p1', 'peer', 4), s('p2', 'peer', 8)],
      {
        baseline: 'floor',
      },
    );
    assert.equal(t.fastestPeer, 'p1');
    assert.deepEqual(
      t.rows.map((r) => [r.name, r.vsBaseline, r.vsFastestPeer]),
      [
        ['floor', 1, 0.25],
        ['mine', 2, 0.5],
        ['p1', 4, 1],
        ['p2', 8, 2],
      ],
    );
    assert.match(t.text, /mine\s+2\.000/);
  });
  test('formatTable aligns columns', () => {
    const lines = formatTable(
      ['a', 'b'],
      [
        ['long name', '1'],
        ['x', '100'],
      ],
    ).split('\n');
    assert.equal(new Set(lines.map((l) => l.length)).size, 1);
  });
});

describe('HTTP helper', () => {
  test('loads a real server in its own process and sees its status codes', async () => {
    const script = fileURLToPath(new URL('../servers/bare-http.mjs', import.meta.url));
    const server = await spawnServer(script, { args: ['--bearer'] });
    try {
      const ok = await httpLoad({
        url: server.url,
        headers: { authorization: 'Bearer t' },
        duration: 1,
        connections: 2,
      });
      assert.ok(ok.total > 0);
      assert.deepEqual(Object.keys(ok.statusCodes), ['200']);
      assertClean('ok', ok);
      const denied = await httpLoad({ url: server.url, duration: 1, connections: 2 });
      assert.deepEqual(Object.keys(denied.statusCodes), ['401']);
      assert.throws(() => assertClean('denied', denied), /unclean HTTP run/);
      assertClean('denied', denied, [401]);
    } finally {
      await server.close();
    }
  });
});
