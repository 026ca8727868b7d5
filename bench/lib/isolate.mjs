// Runs a piece of a suite in a fresh process and returns the JSON it reports.
//
// Each algorithm of the core suite gets its own process, so no contender is measured with inline
// caches and feedback left polymorphic by the algorithms run before it: every library is seen as a
// real service sees it (one algorithm, one key type). `--expose-gc` lets the harness start every
// sample on a clean heap.

import { spawn } from 'node:child_process';

const MARK = 'BENCH_RESULT ';

/** Child side: hand the result to the parent (stdout); progress belongs on stderr. */
export function emitResult(value) {
  process.stdout.write(`${MARK}${JSON.stringify(value)}\n`);
}

/** Parent side: run `node --expose-gc script ...args` and resolve with what it emitted. */
export function runIsolated(script, args = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', script, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(MARK));
      if (code !== 0 || !line) {
        reject(new Error(`${script} ${args.join(' ')} failed (exit ${code})${line ? '' : ', no result'}`));
        return;
      }
      resolve(JSON.parse(line.slice(MARK.length)));
    });
  });
}
