// Runs the storage conformance suite (support/stores-conformance.ts) against every backend.
import { sqliteFactory } from './support/db-sqlite.js';
import { storesConformance } from './support/stores-conformance.js';

storesConformance(sqliteFactory);
