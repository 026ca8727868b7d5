// Attacker's side: the last-admin guard under a race. Two enabled admins remove each other at the
// same instant (demote, disable, erase, or each erases itself), round after round. A guard that
// counts the admins and then writes lets both requests pass and leaves the server with no enabled
// admin; the guard must let exactly one of each pair through. On a real SQLite file, and on a real
// PostgreSQL shared by two server instances (each admin talks to its own instance).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createAccount } from '../src/accounts/accounts.js';
import { login, startOpsServer } from './ops-support.js';
import { createTempPostgres, isCi, POSTGRES_MISSING, testPostgresUrl } from './support/db-postgres.js';
import {
  GOOD_PASSWORD,
  type JsonResponse,
  request,
  type TestServer,
  uniqueEmail,
} from './support/server-harness.js';

interface Admin {
  id: string;
  accessToken: string;
}

/** One way for `actor` to take admin rights away from `target` (or from itself). */
type Attack = (base: string, actor: Admin, target: Admin) => Promise<JsonResponse>;

const ATTACKS: Array<{ name: string; attack: Attack }> = [
  {
    name: 'demote each other',
    attack: (base, actor, target) =>
      request(base, 'PATCH', `/v1/admin/users/${target.id}`, {
        token: actor.accessToken,
        body: { roles: ['user'] },
      }),
  },
  {
    name: 'disable each other',
    attack: (base, actor, target) =>
      request(base, 'PATCH', `/v1/admin/users/${target.id}`, {
        token: actor.accessToken,
        body: { disabled: true },
      }),
  },
  {
    name: 'erase each other',
    attack: (base, actor, target) =>
      request(base, 'DELETE', `/v1/admin/users/${target.id}`, { token: actor.accessToken }),
  },
  {
    name: 'each erases itself (DELETE /v1/me)',
    attack: (base, actor) =>
      request(base, 'DELETE', '/v1/me', { token: actor.accessToken, body: { password: GOOD_PASSWORD } }),
  },
];

const ROUNDS = 6;

const backends: Array<{ name: string; pgUrl?: string }> = [{ name: 'sqlite' }];
const pgUrl = testPostgresUrl();
if (pgUrl) backends.push({ name: 'postgres, two instances', pgUrl });
else if (isCi()) throw new Error(POSTGRES_MISSING);

for (const backend of backends) {
  describe(`last-admin guard under a race: ${backend.name}`, { timeout: 180_000 }, () => {
    const servers: TestServer[] = [];
    let dispose: (() => Promise<void>) | undefined;

    /** The two instances the racing admins talk to (the same one on SQLite). */
    const bases = () => [servers[0]?.url as string, (servers[1] ?? servers[0])?.url as string];
    const enabledAdmins = () =>
      (servers[0] as TestServer).server.ctx.stores.users.countWithRole('admin', { enabledOnly: true });

    /**
     * Setup, straight through the stores (so a failed round cannot block the next): every enabled
     * admin is demoted, then two new admins are created and logged in.
     */
    async function freshPair(): Promise<[Admin, Admin]> {
      const { stores, clock } = (servers[0] as TestServer).server.ctx;
      for (const user of await stores.users.list({ limit: 10_000 })) {
        if (user.roles.includes('admin') && !user.disabled)
          await stores.users.update(user.id, { roles: ['user'], updatedAt: clock.now() });
      }
      const admin = async (): Promise<Admin> => {
        const email = uniqueEmail('race');
        const user = await createAccount(stores.users, clock, {
          email,
          password: GOOD_PASSWORD,
          roles: ['admin'],
        });
        return { id: user.id, accessToken: (await login(bases()[0] as string, email)).accessToken };
      };
      const pair: [Admin, Admin] = [await admin(), await admin()];
      assert.equal(await enabledAdmins(), 2);
      return pair;
    }

    before(async () => {
      const env: Record<string, string> = { TESSERA_LOGIN_LIMIT_IP: '100000/15m' };
      if (backend.pgUrl) {
        const temp = await createTempPostgres(backend.pgUrl);
        dispose = temp.dispose;
        env.TESSERA_DATABASE_URL = temp.url;
        // Both instances must open the signing keys sealed in the shared database.
        env.TESSERA_MASTER_KEY = randomBytes(32).toString('base64');
        servers.push(await startOpsServer(env));
        servers.push(await startOpsServer(env));
      } else {
        servers.push(await startOpsServer(env));
      }
    });
    after(async () => {
      for (const s of servers) await s.stop(true);
      await dispose?.();
    });

    for (const { name, attack } of ATTACKS) {
      test(`${name}, ${ROUNDS} rounds: exactly one of each pair passes, an enabled admin remains`, async (t) => {
        const [baseA, baseB] = bases() as [string, string];
        let guardRefusals = 0;
        for (let round = 0; round < ROUNDS; round++) {
          const [a, b] = await freshPair();
          const [byA, byB] = await Promise.all([attack(baseA, a, b), attack(baseB, b, a)]);
          const passed = [byA, byB].filter((r) => r.status >= 200 && r.status < 300);
          const detail = `round ${round}: ${byA.status} ${byA.text} | ${byB.status} ${byB.text}`;
          assert.equal(passed.length, 1, `exactly one of the pair passes (${detail})`);
          assert.equal(await enabledAdmins(), 1, `one enabled admin remains (${detail})`);
          const refused = byA === passed[0] ? byB : byA;
          // Refused by the guard, or (if the winner already cut its token) at authentication.
          if (refused.status === 400) {
            assert.match(refused.body.error_description, /last admin/, detail);
            guardRefusals++;
          } else {
            assert.equal(refused.status, 401, detail);
          }
          // The one still standing is whoever the winning request did not remove.
          const survivor =
            byA === passed[0] ? (name.includes('itself') ? b : a) : name.includes('itself') ? a : b;
          const me = await request(baseA, 'GET', '/v1/admin/users?limit=1', { token: survivor.accessToken });
          assert.equal(me.status, 200, `the survivor still administers (${detail})`);
        }
        // How many losers reached the guard (the rest had their token cut by the winner first).
        t.diagnostic(`refused by the guard: ${guardRefusals} of ${ROUNDS}`);
      });
    }
  });
}
