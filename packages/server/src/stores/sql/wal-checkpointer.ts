// WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside the commit that
// pushes the write-ahead log past 1000 pages, synchronously, with an fsync of the database file: on
// a busy disk that stalls every request queued behind it for tens to hundreds of milliseconds. The
// server's connection turns automatic checkpoints off and a worker thread with its own connection
// checkpoints (PASSIVE: never waits for readers or writers) every `intervalMs`. If the worker cannot
// run, automatic checkpoints are switched back on, so the log stays bounded either way.
//
// A PASSIVE checkpoint never rewinds the log: SQLite starts writing the log from its beginning
// again only when a writer finds every frame already copied, which under steady writes never
// happens (frames arrive while the checkpoint copies). Measured: 644 MB of log after 20 s of
// refreshes, growing for as long as the load lasts. So once the log passes `restartBytes`, the
// worker copies again what arrived during its first pass, asks the server to hold its refresh
// commits (CommitGate, commit-gate.ts), checkpoints with RESTART, and the next commit starts the
// log over. The refreshes wait for the last frames and one sync of the database file (8-43 ms on
// the test machine's disk); any other write waits in SQLite's busy handler. Hence a large limit:
// at 2,500 refreshes/s (110 MB of log a second) one such wait every 9 s; under ordinary load the
// log rewinds on its own in the first pause between writes and never gets there.
//
// The file keeps its size when rewound (truncating a gigabyte took 450 ms of a commit, measured
// with journal_size_limit). The worker truncates it only once a whole interval passed without a
// commit, when nobody waits for it.
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import type { CommitGate } from './commit-gate.js';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 1000');
const restartFrames = Math.floor(workerData.restartBytes / db.pragma('page_size', { simple: true }));
let lastLog = -1;
let running = false;
let quiet = null;
// Asks the server to hold its refresh commits (CommitGate) and waits for its answer.
const askQuiet = () => new Promise((resolve) => { quiet = resolve; parentPort.postMessage({ type: 'hold' }); });
const timer = setInterval(async () => {
  if (running) return;
  running = true;
  try {
    const [copied] = db.pragma('wal_checkpoint(PASSIVE)');
    if (copied.log === lastLog) {
      // No commit for a whole interval: nobody waits for a truncation now.
      if (walBytes() > workerData.keepBytes) db.pragma('wal_checkpoint(TRUNCATE)');
    } else if (copied.log > restartFrames) {
      db.pragma('wal_checkpoint(PASSIVE)');
      if (await askQuiet()) {
        try { db.pragma('wal_checkpoint(RESTART)'); } finally { parentPort.postMessage({ type: 'release' }); }
      }
    }
    lastLog = copied.log;
  } catch {
    // A checkpoint that failed (the file busy past busy_timeout) is tried again at the next tick.
  } finally {
    running = false;
  }
}, workerData.intervalMs);
function walBytes() {
  try { return require('node:fs').statSync(workerData.path + '-wal').size; } catch { return 0; }
}
parentPort.on('message', (m) => {
  if (m === 'held') { quiet?.(true); quiet = null; return; }
  if (m === 'stop') {
    clearInterval(timer);
    quiet?.(false);
    try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
    db.close();
    parentPort.close();
  }
});
`;

/** Log size past which the worker rewinds the log (a wait for writers, see above). */
export const DEFAULT_RESTART_BYTES = 1024 * 1024 * 1024;
/** Size of the log file the worker truncates (when idle) once it is larger. */
const KEEP_BYTES = 64 * 1024 * 1024;

export interface WalCheckpointer {
  stop(): Promise<void>;
}

export function startWalCheckpointer(
  database: BetterSqlite3.Database,
  path: string,
  opts: { intervalMs?: number; restartBytes?: number; driverPath: string; gate?: CommitGate },
): WalCheckpointer {
  const restartBytes = opts.restartBytes ?? DEFAULT_RESTART_BYTES;
  const keepBytes = Math.min(KEEP_BYTES, restartBytes);
  const fallback = () => {
    try {
      database.pragma('wal_autocheckpoint = 1000');
    } catch {
      // the connection is closing
    }
  };
  let worker: Worker;
  try {
    worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        path,
        intervalMs: opts.intervalMs ?? 1000,
        restartBytes,
        keepBytes,
        driver: opts.driverPath,
      },
    });
  } catch {
    return { stop: async () => {} };
  }
  database.pragma('wal_autocheckpoint = 0');
  worker.unref();
  worker.on('error', fallback);
  // An 'error' is followed by 'exit': commits held for a worker that is gone are let go here.
  worker.on('exit', (code) => {
    opts.gate?.release();
    if (code !== 0) fallback();
  });
  // The rewind: refresh commits are held (as promises, never on the event loop) while the worker
  // holds the write lock; 2 s at most, whatever the worker does.
  worker.on('message', (message: { type?: string }) => {
    if (message.type === 'hold') {
      opts.gate?.hold(2_000);
      worker.postMessage('held');
    } else if (message.type === 'release') {
      opts.gate?.release();
    }
  });
  let stopped: Promise<void> | undefined;
  return {
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        // Keep the process alive until the worker's last checkpoint and close are done.
        worker.ref();
        worker.postMessage('stop');
      });
      return stopped;
    },
  };
}
