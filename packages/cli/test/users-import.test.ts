// `tessera users import` as a team moving in would run it: a JSON-lines export with bcrypt, argon2
// and Django PBKDF2 hashes, a user without a hash and some broken lines; dry run, real run, re-run.
// Then the users log in to a real server with their old passwords, and their hashes are upgraded.
// Also `users reset-password` and `users delete`.
import assert from 'node:assert/strict';
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { hash as argon2Hash } from '@node-rs/argon2';
import { loadConfig, type RunningServer, startServer } from '@tessera/server';
import bcrypt from 'bcryptjs';
import Database from 'better-sqlite3';
import { tempDir, tessera } from './helpers.js';

const tmp = tempDir('tessera-import-');
const env = {
  TESSERA_DATABASE_URL: `sqlite:${tmp.path('tessera.db')}`,
  TESSERA_MASTER_KEY: randomBytes(32).toString('base64url'),
  TESSERA_MAIL_DIR: tmp.path('mail'),
};
const run = (args: string[]) => tessera(args, { env });

function django(password: string, iterations = 100_000): string {
  const salt = randomBytes(9).toString('base64url');
  return `pbkdf2_sha256$${iterations}$${salt}$${pbkdf2Sync(password, salt, iterations, 32, 'sha256').toString('base64')}`;
}

const PEOPLE = {
  bcrypt: { email: 'ann@example.com', password: 'ann old bcrypt password' },
  bcrypt2y: { email: 'ben@example.com', password: 'ben old php password' },
  argon2i: { email: 'cat@example.com', password: 'cat old argon2i password' },
  argon2id: { email: 'dan@example.com', password: 'dan old argon2id password' },
  pbkdf2: { email: 'eve@example.com', password: 'eve old django password' },
  bcrypt2a: { email: 'hal@example.com', password: 'hal old bcrypt 2a password' },
};

describe('tessera users import', () => {
  let file: string;
  let server: RunningServer | undefined;
  before(async () => {
    const lines = [
      JSON.stringify({
        id: 'auth0|ann',
        email: PEOPLE.bcrypt.email,
        password_hash: bcrypt.hashSync(PEOPLE.bcrypt.password, 5),
        roles: ['user', 'editor'],
        email_verified: true,
      }),
      JSON.stringify({
        email: PEOPLE.bcrypt2y.email,
        password_hash: bcrypt.hashSync(PEOPLE.bcrypt2y.password, 4).replace(/^\$2b\$/, '$2y$'),
      }),
      JSON.stringify({
        id: 'legacy-cat',
        email: PEOPLE.argon2i.email,
        password_hash: await argon2Hash(PEOPLE.argon2i.password, {
          algorithm: 1,
          memoryCost: 4096,
          timeCost: 3,
        }),
      }),
      JSON.stringify({
        email: PEOPLE.argon2id.email,
        password_hash: await argon2Hash(PEOPLE.argon2id.password, {
          algorithm: 2,
          memoryCost: 8192,
          timeCost: 2,
        }),
        claims: { plan: 'pro' },
      }),
      JSON.stringify({ email: PEOPLE.pbkdf2.email, password_hash: django(PEOPLE.pbkdf2.password) }),
      '{"email": "broken@example.com", "password_hash": ',
      JSON.stringify({ email: 'fay@example.com' }),
      JSON.stringify({ email: 'not an address' }),
      JSON.stringify({ email: 'gus@example.com', password_hash: 'md5$abc$def' }),
      '',
      JSON.stringify({ email: 'ANN@example.com', password_hash: bcrypt.hashSync('someone else', 4) }),
      // The older bcrypt prefix (Node's bcrypt before 2014, Supabase, many PHP exports).
      JSON.stringify({
        email: PEOPLE.bcrypt2a.email,
        password_hash: bcrypt.hashSync(PEOPLE.bcrypt2a.password, 4).replace(/^\$2b\$/, '$2a$'),
      }),
    ];
    file = tmp.file('users.jsonl', `${lines.join('\n')}\n`);
  });
  after(async () => {
    await server?.close();
    tmp.remove();
  });

  test('--dry-run reports every line and writes nothing', async () => {
    const dry = await run(['users', 'import', file, '--dry-run']);
    assert.equal(dry.code, 1, dry.stderr); // some lines cannot be imported
    assert.match(dry.stdout, /dry run: would have created 7, updated 0, skipped 4 of 12 lines/);
    assert.match(dry.stdout, /line 6: skipped: invalid JSON/);
    assert.equal((await run(['users', 'list'])).stdout.trim(), 'no users');
  });

  test('import: created, skipped with line numbers and reasons; a re-run changes nothing', async () => {
    const first = await run(['users', 'import', file, '--send-reset']);
    assert.equal(first.code, 1, first.stderr);
    assert.match(first.stdout, /^created 7, updated 0, skipped 4 of 12 lines$/m);
    assert.match(first.stdout, /line 6: skipped: invalid JSON/);
    assert.match(first.stdout, /line 8: skipped: email is not a valid address/);
    assert.match(first.stdout, /line 9: skipped gus@example.com: password_hash: unrecognised hash format/);
    assert.match(first.stdout, /line 11: skipped ann@example.com: duplicate email earlier in the file/);
    assert.match(first.stdout, /with application claims: 1/);
    assert.match(first.stdout, /created without a password \(need a reset to sign in\): 1/);
    assert.match(first.stdout, /reset mails sent: 1/);
    // The user without a hash got a reset mail (an .eml file: no SMTP in this test).
    const mails = readdirSync(tmp.path('mail'));
    assert.equal(mails.length, 1);
    const eml = readFileSync(tmp.path(`mail/${mails[0]}`), 'utf8');
    assert.match(eml, /To: fay@example\.com/);
    assert.match(eml, /Subject: Reset your password/);
    assert.match(eml, /expires in 7 days/);

    const again = await run(['users', 'import', file, '--json']);
    assert.equal(again.code, 1);
    const report = JSON.parse(again.stdout.trim().split('\n').at(-1) as string).report;
    assert.equal(report.created, 0);
    assert.equal(report.updated, 0);
    // The seven users, and line 11 (Ann again) which now meets her stored row: unchanged too.
    assert.equal(report.skippedByReason.unchanged, 8);
    assert.equal(report.skippedByReason['invalid JSON'], 1);

    const listed = JSON.parse((await run(['users', 'list', '--json'])).stdout).users;
    assert.equal(listed.length, 7);
    const ann = listed.find((u: { email: string }) => u.email === PEOPLE.bcrypt.email);
    assert.equal(ann.id, 'auth0|ann', 'the id is kept');
    assert.deepEqual(ann.roles, ['user', 'editor']);
    assert.equal(ann.email_verified, true);
  });

  test('imported users log in with their old passwords; each hash is upgraded to argon2id', async () => {
    server = await startServer(loadConfig({ ...env, TESSERA_PORT: '0', TESSERA_LOG_LEVEL: 'silent' }));
    const db = () => new Database(env.TESSERA_DATABASE_URL.slice('sqlite:'.length), { readonly: true });
    const hashOf = (email: string) => {
      const conn = db();
      try {
        return (
          conn.prepare('select password_hash from users where email = ?').get(email) as {
            password_hash: string;
          }
        ).password_hash;
      } finally {
        conn.close();
      }
    };
    const login = (email: string, password: string) =>
      fetch(`${server!.url}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
    for (const [scheme, p] of Object.entries(PEOPLE)) {
      const before = hashOf(p.email);
      assert.ok(!before.startsWith('$argon2id$v=19$m=19456,t=2,p=1$'), `${scheme} starts as imported`);
      if (scheme === 'bcrypt2a') assert.match(before, /^\$2a\$/);
      assert.equal((await login(p.email, 'a wrong password here')).status, 401, scheme);
      assert.equal(hashOf(p.email), before, `${scheme}: a wrong password upgrades nothing`);
      const ok = await login(p.email, p.password);
      assert.equal(ok.status, 200, `${scheme} logs in with the old password`);
      assert.match(hashOf(p.email), /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/, `${scheme} upgraded`);
      assert.equal((await login(p.email, p.password)).status, 200, `${scheme} logs in after the upgrade`);
    }
    const me = await fetch(`${server.url}/v1/me`, {
      headers: {
        authorization: `Bearer ${((await (await login(PEOPLE.bcrypt.email, PEOPLE.bcrypt.password)).json()) as { access_token: string }).access_token}`,
      },
    });
    assert.equal(((await me.json()) as { sub: string }).sub, 'auth0|ann');
    // Nobody can sign in to the account without a hash until it is reset.
    assert.equal((await login('fay@example.com', '')).status, 400);
    assert.equal((await login('fay@example.com', '!unusable')).status, 401);
    await server.close();
    server = undefined;

    // A re-run after the upgrade keeps the upgraded hashes.
    const rerun = await run(['users', 'import', file, '--json']);
    const report = JSON.parse(rerun.stdout.trim().split('\n').at(-1) as string).report;
    assert.equal(report.updated, 0);
    assert.match(hashOf(PEOPLE.pbkdf2.email), /^\$argon2id\$v=19\$m=19456/);
  });

  test('users reset-password --link and users delete', async () => {
    const link = await run(['users', 'reset-password', 'fay@example.com', '--link']);
    assert.equal(link.code, 0, link.stderr);
    assert.match(link.stdout.trim(), /^http:\/\/localhost:8080\/console\/reset-password\?token=[\w-]{43}$/);
    const noYes = await run(['users', 'delete', 'fay@example.com']);
    assert.equal(noYes.code, 2);
    const del = await run(['users', 'delete', 'fay@example.com', '--yes']);
    assert.equal(del.code, 0, del.stderr);
    assert.equal((await run(['users', 'delete', 'fay@example.com', '--yes'])).code, 1);
    const missing = await run(['users', 'import', tmp.path('nope.jsonl')]);
    assert.equal(missing.code, 2);
  });
});
