// Three real server processes on one PostgreSQL database behave as one:
// revocations are enforced everywhere within a second (with Redis pub/sub and with PostgreSQL
// LISTEN/NOTIFY alone), logout-all reaches sessions made elsewhere, concurrent emergency
// rotations make one key, concurrent refreshes of one token leave one successor, and the
// failed-login limit is global. Needs TESSERA_TEST_POSTGRES_URL and TESSERA_TEST_REDIS_URL.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeToken } from '@tessera/core';
import {
  adminToken,
  checkConsistency,
  login,
  me,
  refresh,
  register,
  spread,
  withDb,
} from './support/cluster-client.js';
import { type Cluster, clusterServices, eventually, startCluster } from './support/cluster-harness.js';
import { request } from './support/server-harness.js';

const services = clusterServices();
// Generous per-IP limits: every request of these tests comes from 127.0.0.1.
const env = { TESSERA_LOGIN_LIMIT_IP: '10000/15m', TESSERA_REFRESH_LIMIT_IP: '10000/15m' };

/** Logs out on `from` and measures how long until every other instance refuses the token. */
async function propagation(cluster: Cluster): Promise<number[]> {
  const [a, ...others] = cluster.instances;
  assert.ok(a);
  const email = await register(a.url);
  const { accessToken } = await login(a.url, email);
  for (const i of others) {
    const first = await me(i.url, accessToken);
    assert.equal(first.status, 200, `${i.name} accepts it first: ${first.text}\n${i.logs().slice(-3000)}`);
  }
  assert.equal((await request(a.url, 'POST', '/v1/auth/logout', { token: accessToken })).status, 204);
  const revokedAt = Date.now();
  return Promise.all(
    others.map((i) =>
      eventually(
        `${i.name} to refuse the revoked token`,
        async () => ((await me(i.url, accessToken)).status === 401 ? Date.now() - revokedAt : undefined),
        5_000,
      ),
    ),
  );
}

describe('three instances on PostgreSQL + Redis', { skip: services.skip }, () => {
  let cluster: Cluster;
  before(async () => {
    assert.ok(services.postgresUrl && services.redisUrl, 'services');
    cluster = await startCluster({ postgresUrl: services.postgresUrl, redisUrl: services.redisUrl, env });
  });
  after(async () => {
    await cluster?.close();
  });

  test('each instance reports Redis fan-out and Redis+PostgreSQL rate limits', () => {
    for (const i of cluster.instances) {
      assert.match(i.logs(), /"fanout":"redis","rateLimits":"redis\+postgres"/, i.name);
    }
  });

  test('a logout on A is refused on B and C within 1 s', async () => {
    for (let round = 0; round < 3; round++) {
      const delays = await propagation(cluster);
      for (const ms of delays) assert.ok(ms < 1_000, `refused after ${ms} ms`);
    }
  });

  test('logout-all on B kills the sessions created on A', async () => {
    const [a, b, c] = cluster.instances;
    assert.ok(a && b && c);
    const email = await register(a.url);
    const first = await login(a.url, email);
    const second = await login(a.url, email);
    const onB = await login(b.url, email);
    assert.equal(
      (await request(b.url, 'POST', '/v1/auth/logout-all', { token: onB.accessToken })).status,
      204,
    );
    const started = Date.now();
    for (const instance of [a, c]) {
      for (const t of [first, second]) {
        await eventually(`${instance.name} to refuse a session of A`, async () =>
          (await me(instance.url, t.accessToken)).status === 401 ? true : undefined,
        );
      }
    }
    assert.ok(Date.now() - started < 1_000, `all refused after ${Date.now() - started} ms`);
    // The refresh tokens are dead everywhere too.
    for (const [i, t] of [first, second].entries()) {
      assert.equal((await refresh(spread(cluster.instances, i).url, t.refreshToken)).status, 401);
    }
  });

  test('50 concurrent refreshes of one token across the instances: one live successor', async () => {
    const email = await register(cluster.instances[0]?.url as string);
    const start = await login(cluster.instances[1]?.url as string, email);
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) => refresh(spread(cluster.instances, i).url, start.refreshToken)),
    );
    const statuses = replies.map((r) => r.status);
    assert.deepEqual(new Set(statuses), new Set([200]), `statuses ${statuses.join(',')}`);
    // Inside the reuse interval every caller gets the same successor.
    const successors = new Set(replies.map((r) => r.body.refresh_token as string));
    assert.equal(successors.size, 1);
    const sid = decodeToken(replies[0]?.body.access_token).payload.sid as string;
    const live = await withDb(cluster.databaseUrl, async (c) =>
      Number(
        (
          await c.query(
            'select count(*) as n from refresh_tokens where session_id = $1 and spent_at is null',
            [sid],
          )
        ).rows[0].n,
      ),
    );
    assert.equal(live, 1);
    // The successor works once more, anywhere.
    const [successor] = successors;
    assert.equal((await refresh(cluster.instances[2]?.url as string, successor as string)).status, 200);
  });

  test('concurrent emergency rotations on all three make one key, and all sign with it within 5 s', async () => {
    const admins = await Promise.all(cluster.instances.map((i) => adminToken(i.url)));
    const oldKid = (
      await request(cluster.instances[0]?.url as string, 'GET', '/v1/admin/keys', { token: admins[0] })
    ).body.active_kid as string;
    const before = (await checkConsistency(cluster.databaseUrl)).activeKeys;
    assert.equal(before, 1);
    const keysBefore = await withDb(cluster.databaseUrl, async (c) =>
      Number((await c.query('select count(*) as n from signing_keys')).rows[0].n),
    );
    // Three admins saw oldKid in their consoles and each asks, on a different instance, to
    // rotate away from it: exactly one new key, and all three are told its kid.
    const rotated = await Promise.all(
      cluster.instances.map((i, n) =>
        request(i.url, 'POST', '/v1/admin/keys/rotate', { token: admins[n], body: { replace: oldKid } }),
      ),
    );
    for (const r of rotated) assert.equal(r.status, 200, r.text);
    const kids = new Set(rotated.map((r) => r.body.kid as string));
    assert.equal(kids.size, 1, `kids ${rotated.map((r) => r.text).join(' ')}`);
    assert.equal(kids.has(oldKid), false);
    const keysAfter = await withDb(cluster.databaseUrl, async (c) =>
      Number((await c.query('select count(*) as n from signing_keys')).rows[0].n),
    );
    assert.equal(keysAfter, keysBefore + 1);
    const kid = (
      await request(cluster.instances[0]?.url as string, 'GET', '/v1/admin/keys', { token: admins[0] })
    ).body.keys.find((k: { state: string }) => k.state === 'active').kid as string;
    assert.equal((await checkConsistency(cluster.databaseUrl)).activeKeys, 1);
    const started = Date.now();
    await Promise.all(
      cluster.instances.map((i) =>
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
    assert.ok(Date.now() - started < 5_000);
  });

  test('5 failed logins spread over the instances: the 6th is 429 on any instance', async () => {
    const email = await register(cluster.instances[0]?.url as string);
    for (let i = 0; i < 5; i++) {
      const res = await request(spread(cluster.instances, i).url, 'POST', '/v1/auth/login', {
        body: { email, password: 'wrong password, try again' },
      });
      assert.equal(res.status, 401, `attempt ${i + 1}`);
    }
    for (const i of cluster.instances) {
      const res = await request(i.url, 'POST', '/v1/auth/login', {
        body: { email, password: 'correct horse battery 42', refresh_token_in_body: true },
      });
      assert.equal(res.status, 429, `${i.name}: ${res.text}`);
      assert.ok(Number(res.headers.get('retry-after')) > 0);
    }
  });

  test('the shared database stays consistent', async () => {
    const state = await checkConsistency(cluster.databaseUrl);
    assert.equal(state.orphanTokens, 0);
    assert.equal(state.doubleIssued, 0);
    assert.equal(state.forkedFamilies, 0);
    assert.equal(state.activeKeys, 1);
  });
});

describe('three instances on PostgreSQL alone (LISTEN/NOTIFY, PostgreSQL rate limits)', {
  skip: services.skip,
}, () => {
  let cluster: Cluster;
  before(async () => {
    assert.ok(services.postgresUrl, 'services');
    cluster = await startCluster({ postgresUrl: services.postgresUrl, env });
  });
  after(async () => {
    await cluster?.close();
  });

  test('each instance reports PostgreSQL fan-out and rate limits', () => {
    for (const i of cluster.instances)
      assert.match(i.logs(), /"fanout":"postgres","rateLimits":"postgres"/, i.name);
  });

  test('a logout on A is refused on B and C within 1 s', async () => {
    for (let round = 0; round < 3; round++) {
      const delays = await propagation(cluster);
      for (const ms of delays) assert.ok(ms < 1_000, `refused after ${ms} ms`);
    }
  });

  test('5 failed logins spread over the instances: the 6th is 429 on any instance', async () => {
    const email = await register(cluster.instances[0]?.url as string);
    for (let i = 0; i < 5; i++) {
      const res = await request(spread(cluster.instances, i).url, 'POST', '/v1/auth/login', {
        body: { email, password: 'wrong password, try again' },
      });
      assert.equal(res.status, 401);
    }
    for (const i of cluster.instances) {
      const res = await request(i.url, 'POST', '/v1/auth/login', {
        body: { email, password: 'whatever it is' },
      });
      assert.equal(res.status, 429, i.name);
    }
  });
});
