// Suite `refresh-sql`: the SQL one HTTP refresh issues, counted and listed. The auth server runs in
// this process (startServer with its default settings, the log level included; the log lines go
// to a sink so the table stays readable) on a fresh SQLite file and, when
// TESSERA_BENCH_POSTGRES_URL (or TESSERA_TEST_POSTGRES_URL) names a server, on a fresh PostgreSQL
// database. The drivers are wrapped before the server loads them: every better-sqlite3 statement
// execution (run/get/all/iterate, plus BEGIN/COMMIT of its transactions) and every pg query (one
// round trip each, BEGIN and COMMIT included) is recorded. One refresh at a time, so each list is
// exactly that refresh's work: the same figure on any machine, however loaded. Options: --quick.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { formatTable } from '../lib/table.mjs';

export const description = 'SQL statements and database round trips per HTTP refresh (SQLite, PostgreSQL)';

const serverRequire = createRequire(new URL('../../packages/server/package.json', import.meta.url));
const log = [];
let recording = false;
const record = (engine, sql) => {
  if (recording) log.push({ engine, sql: String(sql).replace(/\s+/g, ' ').trim() });
};

function wrapSqlite() {
  const Database = serverRequire('better-sqlite3');
  const prepare = Database.prototype.prepare;
  Database.prototype.prepare = function (sql, ...rest) {
    const statement = prepare.call(this, sql, ...rest);
    for (const m of ['run', 'get', 'all', 'iterate']) {
      const original = statement[m];
      statement[m] = function (...args) {
        record('sqlite', sql);
        return original.apply(this, args);
      };
    }
    return statement;
  };
  // db.transaction() issues BEGIN/COMMIT itself, not through prepare.
  const transaction = Database.prototype.transaction;
  Database.prototype.transaction = function (fn) {
    const tx = transaction.call(this, fn);
    // Called inside an open transaction, better-sqlite3 runs it as a savepoint.
    const database = this;
    const wrap = (variant, begin) =>
      function (...args) {
        const nested = database.inTransaction;
        record('sqlite', nested ? 'SAVEPOINT' : begin);
        const out = variant.apply(this, args);
        record('sqlite', nested ? 'RELEASE' : 'COMMIT');
        return out;
      };
    const wrapped = wrap(tx, 'BEGIN');
    for (const v of ['deferred', 'immediate', 'exclusive'])
      wrapped[v] = wrap(tx[v], `BEGIN ${v.toUpperCase()}`);
    return wrapped;
  };
}

function wrapPg() {
  const pg = serverRequire('pg');
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (config, ...rest) {
    const text = typeof config === 'string' ? config : config?.text;
    if (this.connectionParameters?.application_name?.startsWith('tessera')) {
      record(`pg ${this.connectionParameters.application_name}`, text);
    }
    return query.call(this, config, ...rest);
  };
}

async function postJson(base, path, body) {
  const res = await fetch(new URL(path, base), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json().catch(() => null) };
}

async function measure(label, databaseUrl, refreshes) {
  const { loadConfig, startServer } = await import(
    new URL('../../packages/server/dist/src/index.js', import.meta.url).href
  );
  const server = await startServer(
    loadConfig({
      TESSERA_DATABASE_URL: databaseUrl,
      TESSERA_MASTER_KEY: randomBytes(32).toString('base64'),
      TESSERA_HOST: '127.0.0.1',
      TESSERA_PORT: '0',
      NODE_ENV: 'development',
    }),
    { logDestination: new Writable({ write: (_chunk, _encoding, done) => done() }) },
  );
  const base = `http://127.0.0.1:${server.port}`;
  try {
    const password = `bench-${randomBytes(12).toString('base64url')}`;
    const reg = await postJson(base, '/v1/auth/register', { email: 'sql@example.com', password });
    if (reg.status !== 201) throw new Error(`register: ${reg.status}`);
    const login = await postJson(base, '/v1/auth/login', {
      email: 'sql@example.com',
      password,
      refresh_token_in_body: true,
    });
    let token = login.json.refresh_token;
    const per = [];
    for (let i = 0; i < refreshes; i++) {
      log.length = 0;
      recording = true;
      const r = await postJson(base, '/v1/auth/refresh', { refresh_token: token });
      // Writes a handler starts but does not await would land here.
      await new Promise((resolve) => setTimeout(resolve, 20));
      recording = false;
      if (r.status !== 200) throw new Error(`refresh: ${r.status}`);
      token = r.json.refresh_token;
      per.push([...log]);
    }
    const last = per.at(-1);
    console.log(`\n${label}: ${last.length} statements in the last of ${refreshes} refreshes`);
    for (const s of last)
      console.log(`  [${s.engine}] ${s.sql.length > 150 ? `${s.sql.slice(0, 150)}…` : s.sql}`);
    return { label, counts: per.map((p) => p.length), statements: last };
  } finally {
    await server.close();
  }
}

export async function run({ quick }) {
  wrapSqlite();
  wrapPg();
  const refreshes = quick ? 3 : 10;
  const dir = mkdtempSync(join(os.tmpdir(), 'tessera-bench-sql-'));
  const rows = [];
  try {
    rows.push(await measure('SQLite', `sqlite:${join(dir, 'tessera.db')}`, refreshes));
    const url = (process.env.TESSERA_BENCH_POSTGRES_URL ?? process.env.TESSERA_TEST_POSTGRES_URL)?.trim();
    if (url) {
      const pg = serverRequire('pg');
      const name = `tessera_bench_${randomBytes(5).toString('hex')}`;
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`create database ${name}`);
      const target = new URL(url);
      target.pathname = `/${name}`;
      try {
        rows.push(await measure('PostgreSQL', target.toString(), refreshes));
      } finally {
        await admin.query(`drop database if exists ${name} with (force)`);
        await admin.end();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `\n${formatTable(
      ['engine', 'statements per refresh (each refresh)'],
      rows.map((r) => [r.label, r.counts.join(' ')]),
    )}`,
  );
}
