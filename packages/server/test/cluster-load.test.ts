// A bounded load test on loopback: three instances on PostgreSQL + Redis, 20 s or 6 000 requests
// of refreshes and /v1/me (spread over the instances), logins that open new sessions, logouts,
// and one account hammered with wrong passwords (its 429s are the only refusals allowed). Then a
// consistency check of the shared database.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkConsistency, login, spread } from './support/cluster-client.js';
import { type Cluster, clusterServices, startCluster } from './support/cluster-harness.js';
import { prepareUsers, runTraffic, summary } from './support/cluster-traffic.js';
import { request } from './support/server-harness.js';

const services = clusterServices();
const DURATION_MS = 20_000;
const MAX_REQUESTS = 6_000;

describe('bounded load across three instances', { skip: services.skip }, () => {
  let cluster: Cluster;
  before(async () => {
    assert.ok(services.postgresUrl && services.redisUrl, 'services');
    cluster = await startCluster({
      postgresUrl: services.postgresUrl,
      redisUrl: services.redisUrl,
      env: { TESSERA_LOGIN_LIMIT_IP: '100000/15m', TESSERA_REFRESH_LIMIT_IP: '100000/15m' },
    });
  });
  after(async () => {
    await cluster?.close();
  });

  test('zero errors other than the intended 429s, then a consistent database', async () => {
    const base = cluster.instances[0]?.url as string;
    const users = await prepareUsers(base, 12);
    const started = Date.now();
    const done = () => Date.now() - started > DURATION_MS;
    const unexpected: string[] = [];
    let logins = 0;
    let logouts = 0;
    let limited = 0;

    // Users who log in again on another instance and log the new session out.
    const churn = async (n: number) => {
      for (let i = n; !done() && logins < 400; i += 3) {
        const user = users[1 + (i % (users.length - 1))]; // users[0] is the attacked account
        assert.ok(user);
        const tokens = await login(spread(cluster.instances, i).url, user.email);
        logins += 1;
        const out = await request(spread(cluster.instances, i + 1).url, 'POST', '/v1/auth/logout', {
          token: tokens.accessToken,
        });
        if (out.status === 204) logouts += 1;
        else unexpected.push(`logout ${out.status}`);
      }
    };
    // One account under a password-guessing attack: after 5 failures, 429 on every instance.
    const attacker = async () => {
      for (let i = 0; !done() && i < 60; i++) {
        const res = await request(spread(cluster.instances, i).url, 'POST', '/v1/auth/login', {
          body: { email: users[0]?.email, password: `guess ${i}` },
        });
        if (res.status === 429) limited += 1;
        else if (!(res.status === 401 && i < 5)) unexpected.push(`guess ${i}: ${res.status}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    // users[0] is locked out by the attacker, so the steady traffic uses the others.
    const [stats] = await Promise.all([
      runTraffic(users.slice(1), {
        users: users.length - 1,
        done,
        maxRequests: MAX_REQUESTS,
        instances: () => cluster.instances,
      }),
      churn(0),
      churn(1),
      attacker(),
    ]);
    const elapsed = (Date.now() - started) / 1000;
    const line = `${summary(stats)}; logins ${logins}, logouts ${logouts}, 429s ${limited}; ${(stats.requests / elapsed).toFixed(0)} req/s`;
    console.log(`# load: ${line}`);
    assert.deepEqual(stats.wrong, [], line);
    assert.deepEqual(unexpected, [], line);
    assert.ok(limited > 0, 'the attacked account was limited');
    assert.ok((stats.counts.get('refresh 200') ?? 0) > 100, line);
    assert.ok(logins > 10, line);

    const state = await checkConsistency(cluster.databaseUrl);
    assert.equal(state.sessions, state.liveSessions + state.revokedSessions);
    assert.equal(state.revokedSessions, logouts, 'exactly the logged-out sessions are revoked');
    assert.equal(state.orphanTokens, 0, 'no refresh token without its session');
    assert.equal(state.missingSuccessors, 0);
    assert.equal(state.forkedFamilies, 0, 'every live session has exactly one unspent refresh token');
    assert.equal(state.doubleIssued, 0);
    assert.equal(state.activeKeys, 1);
    // Every steady user's latest token still refreshes.
    for (const [n, user] of stats.users.entries()) {
      const r = await request(spread(cluster.instances, n).url, 'POST', '/v1/auth/refresh', {
        body: { refresh_token: user.tokens.refreshToken },
      });
      assert.equal(r.status, 200, user.email);
    }
  });
});
