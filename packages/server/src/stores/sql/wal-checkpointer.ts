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
// worker copies again what arrived during its first pass, then checkpoints with RESTART: writers
// wait only while it copies the last frames and syncs the database file (8-15 ms on the test
// machine's disk, once per `restartBytes` of log), and the next commit starts the log over.
// journal_size_limit then shrinks the file back to `restartBytes`.
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 1000');
db.pragma('journal_size_limit = ' + workerData.restartBytes);
const restartFrames = Math.floor(workerData.restartBytes / db.pragma('page_size', { simple: true }));
const timer = setInterval(() => {
  try {
    const [copied] = db.pragma('wal_checkpoint(PASSIVE)');
    if (copied.log > restartFrames) {
      db.pragma('wal_checkpoint(PASSIVE)');
      db.pragma('wal_checkpoint(RESTART)');
    }
  } catch (err) { parentPort.postMessage(String(err && err.message)); }
}, workerData.intervalMs);
parentPort.on('message', (m) => { if (m === 'stop') { clearInterval(timer); try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {} db.close(); parentPort.close(); } });
`;

/** Log size past which the worker rewinds the log (a short wait for writers, see above). */
export const DEFAULT_RESTART_BYTES = 256 * 1024 * 1024;

export interface WalCheckpointer {
  stop(): Promise<void>;
}

export function startWalCheckpointer(
  database: BetterSqlite3.Database,
  path: string,
  opts: { intervalMs?: number; restartBytes?: number; driverPath: string },
): WalCheckpointer {
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
        restartBytes: opts.restartBytes ?? DEFAULT_RESTART_BYTES,
        driver: opts.driverPath,
      },
    });
  } catch {
    return { stop: async () => {} };
  }
  database.pragma('wal_autocheckpoint = 0');
  // The log is truncated to this size when a writer rewinds it (after the worker's RESTART).
  database.pragma(`journal_size_limit = ${opts.restartBytes ?? DEFAULT_RESTART_BYTES}`);
  worker.unref();
  worker.on('error', fallback);
  worker.on('exit', (code) => {
    if (code !== 0) fallback();
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
