// Suite `refresh-store`: the storage work of one refresh, in process, on SQLite (temporary file) and
// PostgreSQL (TESSERA_BENCH_POSTGRES_URL or TESSERA_TEST_POSTGRES_URL; a fresh database), without
// HTTP: the statement sequence the refresh service issued before the hot-path rewrite (token read,
// session read, user read, the consume transaction with its re-read, session touch, audit insert,
// each through Kysely) against RefreshTokenStore.rotate (one transaction of prepared statements).
// Interleaved rounds, medians of CPU µs and wall µs per refresh. On a shared machine CPU per refresh
// is the steadier figure. Options: --quick.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { writeResults } from '../lib/results.mjs';
import { median, round } from '../lib/stats.mjs';
import { formatTable } from '../lib/table.mjs';

export const description =
  'storage work of one refresh: old statement sequence vs rotate(), SQLite and PostgreSQL';

const STORES = new URL('../../packages/server/dist/src/stores/index.js', import.meta.url);

async function family(stores, t) {
  const id = randomBytes(9).toString('base64url');
  const user = await stores.users.create({
    id: `u_${id}`,
    email: `${id}@example.com`,
    passwordHash: 'x',
    roles: ['user'],
    disabled: false,
    createdAt: t,
  });
  const session = await stores.sessions.create({
    id: `s_${id}`,
    userId: user.id,
    device: 'bench',
    userAgent: 'bench',
    ip: '127.0.0.1',
    createdAt: t,
    lastUsedAt: t,
    expiresAt: t + 30 * 86_400_000,
  });
  const hash = randomBytes(32).toString('base64url');
  await stores.refreshTokens.insert({
    hash,
    sessionId: session.id,
    userId: user.id,
    createdAt: t,
    expiresAt: t + 7 * 86_400_000,
  });
  return { hash };
}

const next = () => randomBytes(32).toString('base64url');

/** The sequence of refresh-service.ts before the rewrite (9 statements, 3 of them in one transaction). */
async function oldSequence(stores, state, now) {
  const record = await stores.refreshTokens.get(state.hash);
  const session = await stores.sessions.get(record.sessionId);
  const user = await stores.users.findById(record.userId);
  const successor = next();
  const result = await stores.refreshTokens.consume(state.hash, now, {
    hash: successor,
    sessionId: session.id,
    userId: user.id,
    createdAt: now,
    expiresAt: now + 7 * 86_400_000,
  });
  if (result.status !== 'rotated') throw new Error(`old: ${result.status}`);
  await stores.sessions.touch(session.id, now, '127.0.0.1');
  await stores.audit.append({
    at: now,
    event: 'refresh_succeeded',
    sub: user.id,
    actor: null,
    ip: '127.0.0.1',
    sessionId: session.id,
    details: {},
  });
  state.hash = successor;
}

async function newRotate(stores, state, now) {
  const successor = next();
  const r = await stores.refreshTokens.rotate({
    hash: state.hash,
    now,
    successorHash: successor,
    successorExpiresAt: now + 7 * 86_400_000,
    ip: '127.0.0.1',
  });
  if (r.status !== 'rotated') throw new Error(`new: ${r.status}`);
  state.hash = successor;
}

async function measure(stores, contenders, { rounds, batch }) {
  const t = Date.now();
  const states = await Promise.all(contenders.map(() => family(stores, t)));
  for (let i = 0; i < contenders.length; i++)
    for (let k = 0; k < 50; k++) await contenders[i].fn(stores, states[i], Date.now());
  const cpu = contenders.map(() => []);
  const wall = contenders.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const i = (round + k) % contenders.length;
      const c0 = process.cpuUsage();
      const w0 = process.hrtime.bigint();
      for (let n = 0; n < batch; n++) await contenders[i].fn(stores, states[i], Date.now());
      const c = process.cpuUsage(c0);
      wall[i].push(Number(process.hrtime.bigint() - w0) / 1e3 / batch);
      cpu[i].push((c.user + c.system) / batch);
    }
  }
  return contenders.map((c, i) => ({
    name: c.name,
    cpuUs: round(median(cpu[i]), 1),
    wallUs: round(median(wall[i]), 1),
  }));
}

export async function run({ quick, args }) {
  const { createStores } = await import(STORES.href);
  const plan = quick ? { rounds: 3, batch: 100 } : { rounds: 9, batch: 400 };
  const contenders = [
    { name: 'before: 9 statements (Kysely)', fn: oldSequence },
    { name: 'after: rotate() (prepared, 1 transaction)', fn: newRotate },
  ];
  const out = { loadavgAtStart: os.loadavg().map((l) => round(l, 2)), engines: {} };
  const dir = mkdtempSync(join(os.tmpdir(), 'tessera-bench-rs-'));
  try {
    const sqlite = await createStores({ databaseUrl: `sqlite:${join(dir, 'bench.db')}` });
    await sqlite.migrate();
    out.engines.sqlite = await measure(sqlite, contenders, plan);
    await sqlite.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const pgUrl = (process.env.TESSERA_BENCH_POSTGRES_URL ?? process.env.TESSERA_TEST_POSTGRES_URL)?.trim();
  if (pgUrl) {
    const name = `tessera_bench_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    try {
      const url = new URL(pgUrl);
      url.pathname = `/${name}`;
      const stores = await createStores({ databaseUrl: url.toString() });
      await stores.migrate();
      out.engines.postgres = await measure(stores, contenders, {
        rounds: plan.rounds,
        batch: Math.round(plan.batch / 4),
      });
      await stores.close();
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  }
  const rows = [];
  for (const [engine, list] of Object.entries(out.engines)) {
    const base = list[0];
    for (const r of list)
      rows.push([engine, r.name, String(r.cpuUs), String(r.wallUs), `${(base.cpuUs / r.cpuUs).toFixed(2)}x`]);
  }
  console.log(
    `\n${formatTable(['engine', 'refresh storage work', 'cpu µs', 'wall µs', 'cpu: before / this'], rows)}`,
  );
  console.log(`load average at start ${out.loadavgAtStart.join(' ')}, ${os.cpus().length} vCPUs`);
  if (!quick || args.includes('--write')) console.log(`wrote ${writeResults('refresh-store', out)}`);
}
