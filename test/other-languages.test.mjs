// The Python and Java snippets of docs/verify-in-other-languages.md, run against a real Tessera
// server and a real token: a valid token passes, a tampered one, one for another audience and a
// token that is not typed at+jwt fail. Each is skipped only when its language (or, for Python, the
// joserfc package) is absent, and never under CI (.ci/run installs them).
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createSigner, generateKey } from '@tessera/core';
import { loadConfig, startServer } from '@tessera/server';
import { freePort } from './support/free-port.mjs';

const run = promisify(execFile);
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const snippets = join(repo, 'examples', 'other-languages');
const ci = process.env.CI === 'true';

const has = (command, args) => spawnSync(command, args, { stdio: 'ignore' }).status === 0;
const python = has('python3', ['-c', 'import joserfc']);
const java = has('java', ['-version']);

let server;
let token;

before(async () => {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  server = await startServer(
    loadConfig({
      TESSERA_PORT: String(port),
      TESSERA_ISSUER: issuer,
      TESSERA_DATABASE_URL: 'sqlite::memory:',
      TESSERA_AUDIENCE: 'orders-api',
      TESSERA_LOG_LEVEL: 'warn',
    }),
  );
  const body = { email: 'polyglot@example.com', password: 'correct horse battery staple 7' };
  const post = (path) =>
    fetch(`${issuer}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  assert.equal((await post('/v1/auth/register')).status, 201);
  token = (await (await post('/v1/auth/login')).json()).access_token;
});

after(() => server?.close());

/** Runs a snippet; resolves { code, stdout, stderr }. */
async function verifyWith(command, args, candidate, audience = 'orders-api') {
  try {
    const { stdout, stderr } = await run(command, [...args, candidate], {
      cwd: snippets,
      env: {
        ...process.env,
        TESSERA_ISSUER: server.url.replace('localhost', '127.0.0.1'),
        TESSERA_AUDIENCE: audience,
      },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

function tampered(t) {
  const [h, p, s] = t.split('.');
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
  payload.roles = ['admin'];
  return [h, Buffer.from(JSON.stringify(payload)).toString('base64url'), s].join('.');
}

/** Right claims and scheme, but signed by a key the server never published (and typed JWT). */
function untyped() {
  const key = generateKey('ES256', { kid: 'k-foreign' });
  return createSigner({ key, issuer: server.url, audience: 'orders-api', typ: 'JWT' })({ sub: 'u_x' });
}

function cases(command, args) {
  return async () => {
    const good = await verifyWith(command, args, token);
    assert.equal(good.code, 0, good.stderr);
    assert.match(good.stdout, /u_[A-Za-z0-9_-]+/);

    const forged = await verifyWith(command, args, tampered(token));
    assert.equal(forged.code, 1, forged.stdout);
    const wrongAudience = await verifyWith(command, args, token, 'billing-api');
    assert.equal(wrongAudience.code, 1, wrongAudience.stdout);
    const foreign = await verifyWith(command, args, untyped());
    assert.equal(foreign.code, 1, foreign.stdout);
  };
}

describe('verifying Tessera tokens from other languages', () => {
  test(
    'Python (joserfc): examples/other-languages/verify.py',
    { skip: !python && !ci && 'python3 with joserfc not installed' },
    cases('python3', ['verify.py']),
  );
  test(
    'Java 17, JDK only: examples/other-languages/Verify.java',
    { skip: !java && !ci && 'java not installed' },
    cases('java', ['Verify.java']),
  );

  test('the guide shows exactly the files this test runs', () => {
    const guide = readFileSync(join(repo, 'docs', 'verify-in-other-languages.md'), 'utf8');
    for (const file of ['verify.py', 'Verify.java']) {
      const source = readFileSync(join(snippets, file), 'utf8').trim();
      assert.ok(guide.includes(source), `docs/verify-in-other-languages.md embeds ${file} verbatim`);
    }
  });
});
