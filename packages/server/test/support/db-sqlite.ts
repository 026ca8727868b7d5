// Test databases on real temporary SQLite files. Any server test can use `createTempSqlite()` for a
// `TESSERA_DATABASE_URL` of its own; the conformance suite uses `sqliteFactory`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStores } from '../../src/stores/index.js';
import type { StoresFactory } from './stores-conformance.js';

export interface TempSqlite {
  /** `sqlite:/tmp/tessera-.../tessera.db` */
  url: string;
  path: string;
  /** Deletes the directory (close every Stores on it first). */
  cleanup(): Promise<void>;
}

export async function createTempSqlite(): Promise<TempSqlite> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-db-'));
  // A nested directory that does not exist yet: createStores must create it.
  const path = join(dir, 'data', 'tessera.db');
  return { url: `sqlite:${path}`, path, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export const sqliteFactory: StoresFactory = {
  name: 'sqlite (temporary file)',
  async create() {
    const temp = await createTempSqlite();
    return {
      url: temp.url,
      open: () => createStores({ databaseUrl: temp.url }),
      dispose: temp.cleanup,
    };
  },
};
