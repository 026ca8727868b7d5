// WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside the commit that
// pushes the write-ahead log past 1000 pages, synchronously, with an fsync of the database file: on
// a busy disk that stalls every request queued behind it for tens to hundreds of milliseconds. The
// server's connection turns automatic checkpoints off and a worker thread with its own connection
// checkpoints (PASSIVE: never waits for readers or writers) every `intervalMs`. If the worker cannot
// run, automatic checkpoints are switched back on, so the log stays bounded either way.
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (err) { parentPort.postMessage(String(err && err.message)); }
}, workerData.intervalMs);
parentPort.on('message', (m) => { if (m === 'stop') { clearInterval(timer); try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {} db.close(); parentPort.close(); } });
`;

export interface WalCheckpointer {
  stop(): Promise<void>;
}

export function startWalCheckpointer(
  database: BetterSqlite3.Database,
  path: string,
  opts: { intervalMs?: number; driverPath: string },
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
      workerData: { path, intervalMs: opts.intervalMs ?? 1000, driver: opts.driverPath },
    });
  } catch {
    return { stop: async () => {} };
  }
  database.pragma('wal_autocheckpoint = 0');
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
