// Suite `http-selfcheck`: the HTTP load helper against bare node:http servers. It proves the
// helper works (servers in their own process, interleaved rounds, status checks) and is the model
// for the server and middleware suites.

import { fileURLToPath } from 'node:url';
import { assertClean, compareHttp, httpLoad, spawnServer } from '../lib/http-load.mjs';
import { writeResults } from '../lib/results.mjs';
import { formatTable } from '../lib/table.mjs';

export const description = 'HTTP harness self-check: autocannon against bare node:http servers';

const BARE = fileURLToPath(new URL('../servers/bare-http.mjs', import.meta.url));

export async function run({ quick, args }) {
  const plain = await spawnServer(BARE);
  const bearer = await spawnServer(BARE, { args: ['--bearer'] });
  try {
    // The helper must see failures too: a request without a token must come back 401, not pass.
    const denied = await httpLoad({ url: bearer.url, duration: 1, connections: 2 });
    if (denied.total === 0 || Object.keys(denied.statusCodes).join() !== '401') {
      throw new Error(
        `self-check: expected only 401 without a token, got ${JSON.stringify(denied.statusCodes)}`,
      );
    }
    let caught = false;
    try {
      assertClean('denied', denied);
    } catch {
      caught = true;
    }
    if (!caught) throw new Error('self-check: assertClean accepted a run of 401s');

    const results = await compareHttp(
      [
        { name: 'node:http bare', url: plain.url },
        { name: 'node:http bearer check', url: bearer.url, headers: { authorization: 'Bearer x.y.z' } },
      ],
      quick
        ? { rounds: 1, duration: 1, warmup: 1, connections: 20 }
        : { rounds: 3, duration: 3, warmup: 1, connections: 50 },
    );
    console.log(
      formatTable(
        ['server', 'req/s', 'p50 ms', 'p99 ms'],
        results.map((r) => [r.name, Math.round(r.reqPerSec), r.latencyP50Ms, r.latencyP99Ms]),
      ),
    );
    if (!quick || args.includes('--write'))
      console.log(`wrote ${writeResults('http-selfcheck', { results })}`);
  } finally {
    await Promise.all([plain.close(), bearer.close()]);
  }
}
