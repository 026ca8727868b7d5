// A second process on the same database, for the multi-process tests (stores-sqlite.test.ts).
// Driven by environment variables; prints one JSON line per step on stdout.
//   DB_URL     the database; DB_LEASE_MS: the SQLite rotation-lock lease
//   DB_CHILD   'lock': hold the rotation lock until a line arrives on stdin
//              'consume': consume REFRESH_HASH CONSUME_COUNT times at once, print the statuses
import { randomBytes } from 'node:crypto';
import { createStores } from '../../src/stores/index.js';

const lease = process.env.DB_LEASE_MS;
const stores = await createStores({
  databaseUrl: process.env.DB_URL ?? '',
  ...(lease ? { sqlite: { lockLeaseMs: Number(lease) } } : {}),
});
await stores.migrate();
const say = (obj: object) => process.stdout.write(`${JSON.stringify(obj)}\n`);
// One line from the parent; then stdin is let go so it no longer keeps this process alive.
const signal = () =>
  new Promise((resolve) =>
    process.stdin.once('data', (chunk) => {
      process.stdin.destroy();
      resolve(chunk);
    }),
  );

if (process.env.DB_CHILD === 'lock') {
  await stores.keys.withRotationLock(async () => {
    say({ step: 'locked' });
    await signal();
  });
  say({ step: 'released' });
} else if (process.env.DB_CHILD === 'consume') {
  const hash = process.env.REFRESH_HASH ?? '';
  const token = await stores.refreshTokens.get(hash);
  if (!token) throw new Error('no such token');
  say({ step: 'ready' });
  await signal();
  const results = await Promise.all(
    Array.from({ length: Number(process.env.CONSUME_COUNT ?? '10') }, () =>
      stores.refreshTokens.consume(hash, Date.now(), {
        hash: randomBytes(32).toString('base64url'),
        sessionId: token.sessionId,
        userId: token.userId,
        createdAt: Date.now(),
        expiresAt: Date.now() + 60_000,
      }),
    ),
  );
  say({ step: 'consumed', statuses: results.map((r) => r.status) });
}
await stores.close();
