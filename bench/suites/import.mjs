// Suite `import`: `tessera users import FILE` as an operator runs it. A JSON-lines file of N users
// (default 1,000,000; --quick 20,000; --lines=N) in a mix of bcrypt ($2b$, cost 10), Django
// pbkdf2_sha256 (600,000 iterations), argon2id (the argon2 package's parameters) and no hash,
// a quarter with application claims, is imported by the real CLI (a child process) into a fresh
// SQLite file: wall time, CPU time and peak RSS of that process, users/s and users per CPU-second.
// Then the same file again (every user unchanged). Then the upgrade to Tessera's argon2id, which
// happens at each imported user's first login: the real server on the imported database, M users
// of each legacy scheme (default 200, --quick 40, --logins=M) logged in with 4 connections, then
// the same users again (their hash is argon2id by then), logins/s and server CPU per login; the
// stored hash of every one of them must be Tessera's argon2id afterwards and a user who did not
// log in must keep the old hash. Options: --quick, --write, --lines=N, --logins=M.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnServer } from '../lib/http-load.mjs';
import { writeResults } from '../lib/results.mjs';
import { round } from '../lib/stats.mjs';
import { formatTable } from '../lib/table.mjs';
import { processCpuMs } from '../servers/server-cpu.mjs';
import { measuredRun } from './import/measured-run.mjs';
import {
  emailOf,
  expectedCounts,
  LEGACY_KINDS,
  makeHashSet,
  passwordOf,
  sampleOf,
  writeUsersFile,
} from './import/users-file.mjs';

export const description =
  'tessera users import: users/s, CPU and peak RSS for 1M JSON lines (and a re-run); first logins (hash upgrade) vs later ones';

const CLI = fileURLToPath(new URL('../../packages/cli/bin/tessera.js', import.meta.url));
const SERVER = fileURLToPath(new URL('../servers/server-tessera.mjs', import.meta.url));
const STORES = new URL('../../packages/server/dist/src/stores/index.js', import.meta.url);
const PASSWORDS = new URL('../../packages/server/dist/src/accounts/passwords.js', import.meta.url);
const CONNECTIONS = 4;

function countOption(args, name, fallback) {
  const raw = args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  if (raw === undefined) return fallback;
  const n = Number(raw.replaceAll('_', ''));
  if (!Number.isSafeInteger(n) || n < 1)
    throw new Error(`--${name}: expected a positive integer, got ${raw}`);
  return n;
}

/** One `tessera users import FILE --json` run; its report must match `expect`. */
async function importRun(file, env, lines, expect) {
  const r = await measuredRun(process.execPath, [CLI, 'users', 'import', file, '--json'], { env });
  const last = r.stdout.trim().split('\n').at(-1) ?? '';
  let report;
  try {
    report = JSON.parse(last).report;
  } catch {
    throw new Error(`import: no JSON report (exit ${r.code}): ${last.slice(0, 300)}`);
  }
  if (r.code !== 0) throw new Error(`import: exit ${r.code}: ${JSON.stringify(report)}`);
  for (const [key, want] of Object.entries(expect)) {
    const got = key === 'unchanged' ? report.skippedByReason.unchanged : report[key];
    if (got !== want)
      throw new Error(`import: ${key} = ${got}, expected ${want} (${JSON.stringify(report)})`);
  }
  return {
    lines,
    wallS: round(r.wallMs / 1000, 4),
    cpuS: round(r.cpuMs / 1000, 4),
    usersPerSec: round(lines / (r.wallMs / 1000), 4),
    usersPerCpuSec: r.cpuMs > 0 ? round(lines / (r.cpuMs / 1000), 4) : null,
    peakRssMb: round(r.peakRssMb, 4),
    report,
  };
}

/** Logs every `{email, password}` in once, CONNECTIONS at a time; any non-200 fails the suite. */
async function loginAll(base, pid, users) {
  let next = 0;
  const cpu0 = processCpuMs(pid);
  const t0 = process.hrtime.bigint();
  const worker = async () => {
    while (next < users.length) {
      const { email, password } = users[next++];
      const res = await fetch(`${base}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`login ${email}: status ${res.status} ${body.slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpuMs = processCpuMs(pid) - cpu0;
  return {
    logins: users.length,
    loginsPerSec: round(users.length / wallS, 4),
    serverCpuMsPerLogin: round(cpuMs / users.length, 4),
  };
}

export async function run({ quick, args }) {
  const lines = countOption(args, 'lines', quick ? 20_000 : 1_000_000);
  const perKind = countOption(args, 'logins', quick ? 40 : 200);
  const loadavgAtStart = os.loadavg().map((l) => round(l, 3));
  const dir = mkdtempSync(join(os.tmpdir(), 'tessera-bench-import-'));
  const databaseUrl = `sqlite:${join(dir, 'tessera.db')}`;
  const env = {
    ...process.env,
    TESSERA_DATABASE_URL: databaseUrl,
    TESSERA_MASTER_KEY: randomBytes(32).toString('base64'),
    TESSERA_MAIL_DIR: join(dir, 'mail'),
    NODE_ENV: 'development',
  };
  const out = {
    loadavgAtStart,
    cpus: os.cpus().length,
    lines,
    loginsPerScheme: perKind,
    connections: CONNECTIONS,
  };
  try {
    const file = join(dir, 'users.jsonl');
    let t0 = Date.now();
    const set = await makeHashSet();
    const bytes = await writeUsersFile(file, lines, set);
    out.fileMb = round(bytes / 1048576, 4);
    console.log(`generated ${lines} lines (${out.fileMb} MB) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    const { withClaims, withoutPassword } = expectedCounts(lines);
    t0 = Date.now();
    out.import = await importRun(file, env, lines, {
      lines,
      created: lines,
      skipped: 0,
      withClaims,
      withoutPassword,
    });
    console.log(`import: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    out.rerun = await importRun(file, env, lines, { lines, created: 0, updated: 0, unchanged: lines });
    out.databaseMb = round(statSync(join(dir, 'tessera.db')).size / 1048576, 4);

    // First and second logins per legacy scheme, on the imported database.
    const samples = Object.fromEntries(LEGACY_KINDS.map((k) => [k, sampleOf(k, lines, perKind + 1)]));
    const usersOf = (k) =>
      samples[k].slice(0, perKind).map((i) => ({ email: emailOf(i), password: passwordOf(set, i) }));
    const limit = '999999999/1s'; // the bench measures the logins, not the rate limiter's refusals
    const server = await spawnServer(SERVER, {
      env: { ...env, TESSERA_LOGIN_LIMIT_IP: limit, TESSERA_LOGIN_LIMIT_ACCOUNT: limit },
      timeoutMs: 60_000,
    });
    out.logins = {};
    try {
      for (const k of LEGACY_KINDS)
        out.logins[k] = { first: await loginAll(server.url, server.pid, usersOf(k)) };
      for (const k of LEGACY_KINDS) out.logins[k].second = await loginAll(server.url, server.pid, usersOf(k));
    } finally {
      await server.close();
    }

    // The upgrade really happened, at login and only there.
    const { createStores } = await import(STORES.href);
    const { ARGON2_PARAMS } = await import(PASSWORDS.href);
    const current = `$argon2id$v=19$m=${ARGON2_PARAMS.memoryCost},t=${ARGON2_PARAMS.timeCost},p=${ARGON2_PARAMS.parallelism}$`;
    const stores = await createStores({ databaseUrl });
    try {
      for (const k of LEGACY_KINDS) {
        for (const i of samples[k].slice(0, perKind)) {
          const user = await stores.users.findByEmail(emailOf(i));
          if (!user?.passwordHash.startsWith(current)) {
            throw new Error(
              `${k} user ${emailOf(i)} logged in but its hash is not argon2id: ${user?.passwordHash.slice(0, 30)}`,
            );
          }
        }
        const control = samples[k][perKind];
        const untouched = await stores.users.findByEmail(emailOf(control));
        if (untouched?.passwordHash !== set.hashes[k][Math.floor(control / 20) % set.hashes[k].length]) {
          throw new Error(`${k} user ${emailOf(control)} never logged in but its hash changed`);
        }
      }
    } finally {
      await stores.close();
    }
    out.upgradeChecked = { perScheme: perKind, storedAs: current };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const mb = (v) => (v === null ? '-' : v.toFixed(0));
  const n = (v) => (v === null ? '-' : Math.round(v).toLocaleString('en-US'));
  console.log(
    `\n${formatTable(
      ['import (SQLite, real CLI)', 'lines', 'wall s', 'cpu s', 'users/s', 'users/cpu-s', 'peak RSS MB'],
      [
        ['fresh database', out.import],
        ['re-run, all unchanged', out.rerun],
      ].map(([name, r]) => [
        name,
        n(r.lines),
        r.wallS.toFixed(1),
        r.cpuS.toFixed(1),
        n(r.usersPerSec),
        n(r.usersPerCpuSec),
        mb(r.peakRssMb),
      ]),
    )}`,
  );
  console.log(
    `\n${formatTable(
      [
        `login (${CONNECTIONS} connections)`,
        'users',
        'first: logins/s',
        'first: cpu ms',
        'second: logins/s',
        'second: cpu ms',
        'upgrade cost (cpu)',
      ],
      LEGACY_KINDS.map((k) => {
        const { first, second } = out.logins[k];
        return [
          k,
          String(first.logins),
          first.loginsPerSec.toFixed(1),
          first.serverCpuMsPerLogin.toFixed(0),
          second.loginsPerSec.toFixed(1),
          second.serverCpuMsPerLogin.toFixed(0),
          `${(first.serverCpuMsPerLogin / second.serverCpuMsPerLogin).toFixed(2)}x`,
        ];
      }),
    )}`,
  );
  console.log(
    `file ${out.fileMb.toFixed(0)} MB, database ${out.databaseMb.toFixed(0)} MB; every logged-in user's hash is now ${out.upgradeChecked.storedAs}…`,
  );
  console.log(`load average at start ${loadavgAtStart.join(' ')}, ${out.cpus} vCPUs`);
  if (!quick || args.includes('--write')) console.log(`wrote ${writeResults('import', out)}`);
}
