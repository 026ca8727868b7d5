// Numbers for the README: lookup time and memory of the deny-list with one million live entries.
// Run: node --expose-gc packages/verify/dist/test/revocation-bench.js   (not part of the test run)
import { randomBytes } from 'node:crypto';
import { createRevocationStore } from '../src/index.js';

const gc = (globalThis as { gc?: () => void }).gc;
const N = 1_000_000;
const ids = Array.from({ length: N }, () => randomBytes(12).toString('base64url')); // 16 chars, like core's jti
const misses = Array.from({ length: 100_000 }, () => randomBytes(12).toString('base64url'));
gc?.();
const before = process.memoryUsage().heapUsed;
const store = createRevocationStore();
const s = Math.floor(Date.now() / 1000);
let t0 = process.hrtime.bigint();
for (let i = 0; i < N; i++) {
  const exp = s + 60 + (i % 900);
  if (i % 10 === 0) store.add({ type: 'sid', value: ids[i] as string, exp });
  else store.add({ type: 'jti', value: ids[i] as string, exp });
}
const insertMs = Number(process.hrtime.bigint() - t0) / 1e6;
gc?.();
const heapMb = (process.memoryUsage().heapUsed - before) / 1024 / 1024;

function lookups(payloads: Array<{ jti?: string; sid?: string; sub?: string; iat?: number }>): number {
  let hits = 0;
  const start = process.hrtime.bigint();
  for (let round = 0; round < 10; round++) for (const p of payloads) if (store.isRevoked(p)) hits++;
  const ns = Number(process.hrtime.bigint() - start) / (payloads.length * 10);
  if (hits < 0) console.log(hits);
  return ns;
}
const hitPayloads = ids.slice(0, 100_000).map((id, i) => (i % 10 === 0 ? { sid: id } : { jti: id }));
const missPayloads = misses.map((id) => ({ jti: id, sid: id, sub: id, iat: s }));
lookups(missPayloads); // warm up
const hitNs = lookups(hitPayloads);
const missNs = lookups(missPayloads);
// Baseline: one plain Map.has over the same million keys, to separate our cost from the machine's.
const plain = new Map(ids.map((id) => [id, 1]));
const probe = ids.slice(0, 100_000);
t0 = process.hrtime.bigint();
let found = 0;
for (let round = 0; round < 10; round++) for (const id of probe) if (plain.has(id)) found++;
const baselineNs = Number(process.hrtime.bigint() - t0) / (probe.length * 10);
if (found < 0) console.log(found);
store.clear();
console.log(
  JSON.stringify(
    {
      entries: N,
      insertMs: Math.round(insertMs),
      heapMb: Math.round(heapMb),
      bytesPerEntry: Math.round((heapMb * 1024 * 1024) / N),
      lookupHitNs: Math.round(hitNs),
      lookupMissNs: Math.round(missNs),
      plainMapHasNs: Math.round(baselineNs),
      node: process.version,
      gcExposed: gc !== undefined,
    },
    null,
    2,
  ),
);
