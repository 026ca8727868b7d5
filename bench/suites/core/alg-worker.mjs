// One algorithm of the core suite, run in its own process by core.mjs (see lib/isolate.mjs):
// build the contenders, check that each really verifies and signs, then measure them interleaved.
// Usage: node --expose-gc bench/suites/core/alg-worker.mjs ALG [--quick]

import { emitResult } from '../../lib/isolate.mjs';
import { measureInterleaved, measureOptions, measureSyncThenAsync } from '../../lib/measure.mjs';
import { checkSigners, checkVerifiers } from './checks.mjs';
import { makeKeys, tokenSet } from './fixtures.mjs';
import { signContenders } from './sign-contenders.mjs';
import { loadTessera } from './tessera.mjs';
import { verifyContenders } from './verify-contenders.mjs';

const alg = process.argv[2];
const quick = process.argv.includes('--quick');
const { core, reason } = await loadTessera();

const keys = makeKeys(alg);
const tokens = tokenSet(keys);
const verifiers = verifyContenders(keys, core).map((c) => ({ ...c, arg: tokens.token }));
const claims = { sub: tokens.payload.sub, sid: tokens.payload.sid, roles: tokens.payload.roles };
const signers = signContenders(keys, claims, core);

const failures = [
  ...(await checkVerifiers(verifiers, tokens)),
  ...(await checkSigners(signers, keys, claims)),
];
if (failures.length) {
  process.stderr.write(`\n${alg}: CORRECTNESS CHECK FAILED\n${failures.map((f) => `  - ${f}`).join('\n')}\n`);
  process.exit(1);
}

const opts = measureOptions(quick);
process.stderr.write(`  ${alg}: checks passed; measuring ${verifiers.length} verifiers...\n`);
const verify = await measureSyncThenAsync(verifiers, opts);
process.stderr.write(`  ${alg}: measuring ${signers.length} signers...\n`);
const sign = await measureSyncThenAsync(signers, opts);

// Cache hits as a server sees them: each request brings a new string (from the header parser), so
// the cache pays for hashing the token, which the rows above (one string, its hash kept by V8) skip.
const bytes = Buffer.from(tokens.token, 'latin1');
const fresh = [{ name: 'new string only', group: 'floor', fn: (b) => b.latin1Slice() }];
for (const c of verifiers.filter((v) => v.cached)) fresh.push({ ...c, fn: (b) => c.fn(b.latin1Slice()) });
const freshCache = await measureInterleaved(
  fresh.map((c) => ({ ...c, arg: bytes })),
  opts,
);

emitResult({
  alg,
  tessera: reason ?? 'measured',
  tokenBytes: Buffer.byteLength(tokens.token),
  verify,
  sign,
  freshCache,
});
