// `tessera users import` must hold a bounded part of the file whatever its size (a million lines in
// flat memory): the importer pulls lines from the source only as fast as it writes them. Counted
// here on a real SQLite database: whenever a batch is stored, the source has been read at most one
// batch (500 lines) ahead of what is already written. An importer that read the whole file first
// would have pulled all 5,000 lines before the first write.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { importUsers } from '../src/accounts/import/import-users.js';
import { startTestServer, type TestServer } from './support/server-harness.js';

const LINES = 5000;
const BATCH = 500;

describe('users import streams its input', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ env: { TESSERA_LOG_LEVEL: 'warn' } });
  });
  after(async () => {
    await t.stop(true);
  });

  test(`${LINES} lines: never more than one batch read ahead of the writes`, async () => {
    let pulled = 0;
    async function* source(): AsyncGenerator<string> {
      for (let i = 1; i <= LINES; i++) {
        pulled = i;
        yield `${JSON.stringify({ id: `stream-${i}`, email: `stream-${i}@example.com` })}\n`;
      }
    }
    const { stores, clock } = t.server.ctx;
    let written = 0;
    let aheadAtWrite = 0;
    const lifecycle = {
      findUsers: stores.lifecycle.findUsers.bind(stores.lifecycle),
      async insertUsers(users: Parameters<typeof stores.lifecycle.insertUsers>[0]) {
        aheadAtWrite = Math.max(aheadAtWrite, pulled - written);
        await stores.lifecycle.insertUsers(users);
        written += users.length;
      },
    };
    const report = await importUsers(source(), { stores: { users: stores.users, lifecycle }, clock });
    assert.equal(report.created, LINES);
    assert.equal(written, LINES);
    assert.ok(aheadAtWrite <= BATCH + 1, `read ${aheadAtWrite} lines ahead of the writes`);
    // And they are really there.
    const found = await stores.lifecycle.findUsers([], ['stream-1', `stream-${LINES}`]);
    assert.equal(found.length, 2);
  });
});
