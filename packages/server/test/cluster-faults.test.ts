// Faults on a three-instance cluster: Redis stopped during traffic (fan-out
// and rate limits fall back to PostgreSQL, no 5xx, recovery when it returns), PostgreSQL cut off
// during traffic (503 with Retry-After, never a wrong answer, every session intact afterwards),
// and an instance SIGKILLed mid-rotation (one active key; the others rotate again).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeToken } from '@tessera/core';
import {
  adminToken,
  checkConsistency,
  login,
  me,
  refresh,
  register,
  spread,
} from './support/cluster-client.js';
import {
  type Cluster,
  clusterServices,
  eventually,
  type Instance,
  startCluster,
} from './support/cluster-harness.js';
import { type DedicatedRedis, startDedicatedRedis } from './support/cluster-redis.js';
import { prepareUsers, runTraffic, summary } from './support/cluster-traffic.js';
import { type DbProxy, startDbProxy } from './support/db-proxy.js';
import { request } from './support/server-harness.js';

const services = clusterServices();
const env = { TESSERA_LOGIN_LIMIT_IP: '10000/15m', TESSERA_REFRESH_LIMIT_IP: '100000/15m' };

/** Logs out on A; ms until B and C refuse the token. */
async function propagation(instances: Instance[]): Promise<number> {
  const [a, ...others] = instances;
  assert.ok(a);
  const email = await register(a.url);
  const { accessToken } = await login(a.url, email);
  assert.equal((await request(a.url, 'POST', '/v1/auth/logout', { token: accessToken })).status, 204);
  const at = Date.now();
  const delays = await Promise.all(
    others.map((i) =>
      eventually(
        `${i.name} to refuse`,
        async () => ((await me(i.url, accessToken)).status === 401 ? Date.now() - at : undefined),
        5_000,
      ),
    ),
  );
  return Math.max(...delays);
}

/** 5 failed logins spread over the instances, then the 6th (right password) must be 429 everywhere. */
async function assertGlobalLimit(instances: Instance[]): Promise<void> {
  const email = await register(instances[0]?.url as string);
  for (let i = 0; i < 5; i++) {
    const res = await request(spread(instances, i).url, 'POST', '/v1/auth/login', {
      body: { email, password: 'not the password' },
    });
    assert.equal(res.status, 401, `attempt ${i + 1}: ${res.text}`);
  }
  for (const i of instances) {
    const res = await request(i.url, 'POST', '/v1/auth/login', {
      body: { email, password: 'correct horse battery 42' },
    });
    assert.equal(res.status, 429, `${i.name}: ${res.text}`);
  }
}

describe('Redis stopped during traffic', { skip: services.skip }, () => {
  let redis: DedicatedRedis;
  let cluster: Cluster;
  before(async () => {
    assert.ok(services.postgresUrl, 'services');
    redis = await startDedicatedRedis();
    cluster = await startCluster({ postgresUrl: services.postgresUrl, redisUrl: redis.url, env });
  });
  after(async () => {
    await cluster?.close();
    await redis?.close();
  });

  test('no 5xx, fan-out and rate limits degrade to PostgreSQL, recovery when Redis is back', async () => {
    const users = await prepareUsers(cluster.instances[0]?.url as string, 6);
    let stop = false;
    const traffic = runTraffic(users, {
      users: 6,
      done: () => stop,
      instances: () => cluster.instances,
      pauseMs: 5,
    });
    await sleep(500);
    await redis.stop();
    // While Redis is down: revocations still reach every instance within a second (store poll)
    // and the failed-login limit is still global (PostgreSQL insurance limiter).
    const down = await propagation(cluster.instances);
    assert.ok(down < 1_000, `propagation without Redis took ${down} ms`);
    await assertGlobalLimit(cluster.instances);
    await redis.start();
    // ioredis reconnects within its 2 s backoff; then pub/sub and Redis counters are used again.
    await eventually(
      'every instance to see Redis again',
      async () => (cluster.instances.every((i) => /redis available again/.test(i.logs())) ? true : undefined),
      15_000,
    );
    const up = await propagation(cluster.instances);
    assert.ok(up < 1_000, `propagation with Redis back took ${up} ms`);
    await assertGlobalLimit(cluster.instances);
    stop = true;
    const stats = await traffic;
    assert.deepEqual(stats.wrong, [], summary(stats));
    assert.ok((stats.counts.get('refresh 200') ?? 0) > 20, summary(stats));
    for (const i of cluster.instances)
      assert.doesNotMatch(i.logs(), /"level":"error"/, `${i.name} logged an error`);
    const state = await checkConsistency(cluster.databaseUrl);
    assert.equal(state.forkedFamilies, 0);
    assert.equal(state.doubleIssued, 0);
  });
});

describe('PostgreSQL cut off during traffic', { skip: services.skip }, () => {
  let proxy: DbProxy;
  let cluster: Cluster;
  before(async () => {
    assert.ok(services.postgresUrl, 'services');
    const target = new URL(services.postgresUrl);
    proxy = await startDbProxy({ host: target.hostname, port: Number(target.port || 5432) });
    // No Redis: every instance depends on PostgreSQL alone, through the proxy we cut.
    cluster = await startCluster({
      postgresUrl: services.postgresUrl,
      env,
      rewriteDatabaseUrl: (url) => {
        const via = new URL(url);
        via.host = `127.0.0.1:${proxy.port}`;
        return via.toString();
      },
    });
  });
  after(async () => {
    await cluster?.close();
    await proxy?.close();
  });

  test('503 with Retry-After while it is gone, never a wrong answer; every session intact after', async () => {
    const users = await prepareUsers(cluster.instances[0]?.url as string, 8);
    let stop = false;
    const traffic = runTraffic(users, {
      users: 8,
      done: () => stop,
      instances: () => cluster.instances,
      pauseMs: 5,
    });
    await sleep(500);
    await proxy.cut();
    await sleep(1_500);
    // Logins need the database: 503 with Retry-After, not 401 or 500.
    const down = await request(cluster.instances[1]?.url as string, 'POST', '/v1/auth/login', {
      body: { email: users[0]?.email, password: 'correct horse battery 42' },
    });
    assert.equal(down.status, 503, down.text);
    assert.ok(Number(down.headers.get('retry-after')) > 0);
    assert.equal(down.body.error, 'temporarily_unavailable');
    await proxy.restore();
    await sleep(2_000);
    stop = true;
    const stats = await traffic;
    assert.deepEqual(stats.wrong, [], summary(stats));
    assert.ok((stats.counts.get('refresh 503') ?? 0) > 0, `the outage was seen: ${summary(stats)}`);
    // After recovery: every user's latest refresh token works on every instance, once.
    for (const [n, user] of stats.users.entries()) {
      const r = await refresh(spread(cluster.instances, n).url, user.tokens.refreshToken);
      assert.equal(r.status, 200, `${user.email}: ${r.text}`);
    }
    // Checked directly, not through the proxy (cluster.databaseUrl is the real address).
    const state = await checkConsistency(cluster.databaseUrl);
    assert.equal(state.revokedSessions, 0, 'no session was lost to a false reuse');
    assert.equal(state.forkedFamilies, 0, 'each session has exactly one live refresh token');
    assert.equal(state.doubleIssued, 0, 'no refresh token was spent and re-issued twice');
    assert.equal(state.missingSuccessors, 0);
    assert.equal(state.orphanTokens, 0);
  });
});

describe('an instance killed with SIGKILL mid-rotation', { skip: services.skip }, () => {
  let cluster: Cluster;
  before(async () => {
    assert.ok(services.postgresUrl && services.redisUrl, 'services');
    cluster = await startCluster({
      postgresUrl: services.postgresUrl,
      redisUrl: services.redisUrl,
      env,
      size: 2,
    });
  });
  after(async () => {
    await cluster?.close();
  });

  test('leaves at most one active key, and the survivors rotate again to exactly one', async () => {
    const [a, b] = cluster.instances;
    assert.ok(a && b);
    for (const delay of [0, 5, 15]) {
      const victim = await cluster.add(`K${delay}`);
      const admin = await adminToken(victim.url);
      const pending = request(victim.url, 'POST', '/v1/admin/keys/rotate', { token: admin }).catch(
        () => undefined,
      );
      await sleep(delay);
      victim.process.kill('SIGKILL');
      assert.equal(await victim.exited, 'SIGKILL');
      await pending;
      cluster.instances.splice(cluster.instances.indexOf(victim), 1);
      const state = await checkConsistency(cluster.databaseUrl);
      assert.ok(state.activeKeys <= 1, `after a kill at ${delay} ms: ${state.activeKeys} active keys`);
    }
    // The killed rotations held no lock that outlives them: A and B rotate, one key each time.
    for (const instance of [a, b]) {
      const admin = await adminToken(instance.url);
      const r = await request(instance.url, 'POST', '/v1/admin/keys/rotate', { token: admin });
      assert.equal(r.status, 200, r.text);
      assert.equal((await checkConsistency(cluster.databaseUrl)).activeKeys, 1);
      const kid = r.body.kid as string;
      await Promise.all(
        [a, b].map((i) =>
          eventually(
            `${i.name} to sign with ${kid}`,
            async () =>
              decodeToken((await login(i.url, 'admin@example.com')).accessToken).header.kid === kid
                ? true
                : undefined,
            5_000,
          ),
        ),
      );
    }
  });
});
