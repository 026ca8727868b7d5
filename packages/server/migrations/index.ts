// Static migration provider: migrations are compiled with the package, so nothing is read from
// disk at run time and the bundle works wherever `dist/` is copied. Names sort in apply order.
import type { Migration, MigrationProvider } from 'kysely';
import * as m001 from './001-initial.js';
import * as m002 from './002-rate-limits.js';
import * as m004 from './004-account-lifecycle.js';
import * as m005 from './005-claims-clients.js';
import * as m006 from './006-second-factors.js';

export const MIGRATIONS: Readonly<Record<string, Migration>> = Object.freeze({
  '001-initial': m001,
  '002-rate-limits': m002,
  '004-account-lifecycle': m004,
  '005-claims-clients': m005,
  '006-second-factors': m006,
});

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return { ...MIGRATIONS };
  },
};
