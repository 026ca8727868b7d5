// Multi-instance test support: N real `tessera serve` processes on one fresh PostgreSQL database
// (and optionally one Redis), each on its own loopback port. Real processes, so a test can
// SIGKILL one; their JSON log lines are kept for assertions and for failure messages.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTempPostgres, isCi, POSTGRES_MISSING, testPostgresUrl } from './db-postgres.js';
import { GOOD_PASSWORD, TEST_ISSUER } from './server-harness.js';

export const REDIS_URL_VARIABLE = 'TESSERA_TEST_REDIS_URL';
export const CLUSTER_ADMIN_EMAIL = 'admin@example.com';

const CLI = fileURLToPath(new URL('../../../../cli/bin/tessera.js', import.meta.url));

/** The test services, or why they are missing: `skip` is false in CI, so a missing one fails there. */
export function clusterServices(): { postgresUrl?: string; redisUrl?: string; skip: string | false } {
  const postgresUrl = testPostgresUrl();
  const redisUrl = process.env[REDIS_URL_VARIABLE]?.trim() || undefined;
  const missing = !postgresUrl
    ? POSTGRES_MISSING
    : !redisUrl
      ? `${REDIS_URL_VARIABLE} is not set: run scripts/services/redis.sh`
      : undefined;
  return { postgresUrl, redisUrl, skip: missing && !isCi() ? missing : false };
}

export interface Instance {
  readonly name: string;
  readonly url: string;
  readonly pid: number;
  readonly process: ChildProcess;
  /** Every log line so far. */
  logs(): string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  readonly exited: Promise<number | string | null>;
  /** SIGTERM and wait (a clean shutdown). */
  stop(): Promise<void>;
}

/**
 * Starts `tessera serve` with `env` (on top of a clean environment: no TESSERA_* from the caller).
 * The instance is ready when it logs "tessera listening", so TESSERA_LOG_LEVEL must stay `info` or lower.
 */
export async function startInstance(
  name: string,
  env: Record<string, string>,
  cwd: string,
): Promise<Instance> {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('TESSERA_')) base[k] = v;
  const child = spawn(process.execPath, [CLI, 'serve'], {
    cwd,
    env: { ...base, TESSERA_HOST: '127.0.0.1', TESSERA_PORT: '0', TESSERA_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: string[] = [];
  child.stdout?.setEncoding('utf8').on('data', (c: string) => chunks.push(c));
  child.stderr?.setEncoding('utf8').on('data', (c: string) => chunks.push(c));
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start in 60 s:\n${chunks.join('')}`));
    }, 60_000);
    const check = () => {
      const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*tessera listening/.exec(chunks.join(''));
      if (m?.[1]) {
        clearTimeout(timer);
        child.stdout?.off('data', check);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) before listening:\n${chunks.join('')}`));
    });
  });
  return {
    name,
    url,
    pid: child.pid as number,
    process: child,
    logs: () => chunks.join(''),
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface Cluster {
  readonly databaseUrl: string;
  readonly instances: Instance[];
  /** The environment every instance got (to start one more, or restart one). */
  readonly env: Record<string, string>;
  readonly dir: string;
  /** Starts one more instance on the same database. */
  add(name: string, extraEnv?: Record<string, string>): Promise<Instance>;
  /** Stops every instance, drops the database. */
  close(): Promise<void>;
}

export interface ClusterOptions {
  postgresUrl: string;
  redisUrl?: string | undefined;
  size?: number;
  env?: Record<string, string>;
  /** Connect the instances through this URL instead (a proxy in front of the same database). */
  rewriteDatabaseUrl?: (url: string) => string;
}

/** A fresh database and `size` instances (the first alone, so it migrates and makes the first key). */
export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const db = await createTempPostgres(opts.postgresUrl);
  const dir = mkdtempSync(join(tmpdir(), 'tessera-cluster-'));
  const env: Record<string, string> = {
    TESSERA_ISSUER: TEST_ISSUER,
    TESSERA_DATABASE_URL: opts.rewriteDatabaseUrl ? opts.rewriteDatabaseUrl(db.url) : db.url,
    // One master key for the cluster: sealed signing keys and refresh successors depend on it.
    TESSERA_MASTER_KEY: randomBytes(32).toString('base64url'),
    TESSERA_COOKIE_SECURE: 'false',
    TESSERA_BOOTSTRAP_ADMIN_EMAIL: CLUSTER_ADMIN_EMAIL,
    TESSERA_BOOTSTRAP_ADMIN_PASSWORD: GOOD_PASSWORD,
    ...(opts.redisUrl ? { TESSERA_REDIS_URL: opts.redisUrl } : {}),
    ...opts.env,
  };
  const instances: Instance[] = [];
  const names = 'ABCDEFGH';
  const add = async (name: string, extraEnv: Record<string, string> = {}) => {
    const instance = await startInstance(name, { ...env, ...extraEnv }, dir);
    instances.push(instance);
    return instance;
  };
  try {
    await add('A');
    const rest = await Promise.allSettled(
      Array.from({ length: (opts.size ?? 3) - 1 }, (_, i) => add(names[i + 1] as string)),
    );
    const failed = rest.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (err) {
    await Promise.all(instances.map((i) => i.stop()));
    await db.dispose();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    databaseUrl: db.url,
    instances,
    env,
    dir,
    add,
    async close() {
      await Promise.all(instances.map((i) => i.stop()));
      await db.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `fn` every 20 ms until it returns a value other than undefined. */
export async function eventually<T>(what: string, fn: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
