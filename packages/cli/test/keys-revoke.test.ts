// `tessera keys revoke KID` against the database of a running server (SQLite): the server refuses
// the tokens the key signed within the revocation poll (500 ms; 2 s allowed under load), drops it
// from its JWKS within its keyring reload, and a new key signs. Usage errors exit 2.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { loadConfig, type RunningServer, startServer } from '@tessera/server';
import { oneLineError, tempDir, tessera } from './helpers.js';

const PASSWORD = 'correct horse battery 42';
const tmp = tempDir('tessera-revoke-');
const env = {
  TESSERA_DATABASE_URL: `sqlite:${tmp.path('tessera.db')}`,
  TESSERA_MASTER_KEY: randomBytes(32).toString('base64url'),
};
const kidOf = (token: string): string =>
  JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')).kid as string;

async function post(base: string, path: string, body: unknown) {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json().catch(() => ({}))) as Record<string, unknown> };
}

const me = async (base: string, token: string) =>
  (await fetch(`${base}/v1/me`, { headers: { authorization: `Bearer ${token}` } })).status;

async function until(ms: number, check: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

describe('tessera keys revoke', { timeout: 180_000 }, () => {
  let server: RunningServer | undefined;
  after(async () => {
    await server?.close();
    tmp.remove();
  });

  test('revokes the active key of a running server: its tokens are refused, a new key signs', async () => {
    server = await startServer(
      loadConfig({ TESSERA_HOST: '127.0.0.1', TESSERA_PORT: '0', TESSERA_LOG_LEVEL: 'silent', ...env }),
      { cwd: tmp.path('.') },
    );
    const base = server.url;
    assert.equal(
      (await post(base, '/v1/auth/register', { email: 'ops@example.com', password: PASSWORD })).status,
      201,
    );
    const token = String(
      (await post(base, '/v1/auth/login', { email: 'ops@example.com', password: PASSWORD })).json
        .access_token,
    );
    assert.equal(await me(base, token), 200);
    const leaked = kidOf(token);

    const res = await tessera(['keys', 'revoke', leaked, '--json'], { env });
    assert.equal(res.code, 0, res.stderr);
    const out = JSON.parse(res.stdout);
    assert.equal(out.kid, leaked);
    assert.equal(out.state, 'revoked');
    assert.equal(out.previous_state, 'active');
    assert.notEqual(out.active_kid, leaked);

    assert.ok(
      await until(2000, async () => (await me(base, token)) === 401),
      'the server refuses its tokens',
    );
    const jwksGone = await until(4000, async () => {
      const jwks = (await (await fetch(`${base}/.well-known/jwks.json`)).json()) as {
        keys: { kid: string }[];
      };
      return !jwks.keys.some((k) => k.kid === leaked);
    });
    assert.ok(jwksGone, 'gone from the JWKS');
    const fresh = String(
      (await post(base, '/v1/auth/login', { email: 'ops@example.com', password: PASSWORD })).json
        .access_token,
    );
    assert.equal(kidOf(fresh), out.active_kid);
    assert.equal(await me(base, fresh), 200);

    const list = JSON.parse((await tessera(['keys', 'list', '--json'], { env })).stdout).keys;
    assert.equal(list.find((k: { kid: string }) => k.kid === leaked)?.state, 'revoked');
    const again = await tessera(['keys', 'revoke', leaked], { env });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /already revoked/);
  });

  test('an unknown kid or a missing one is a usage error (exit 2)', async () => {
    const unknown = await tessera(['keys', 'revoke', 'no-such-kid'], { env });
    assert.equal(unknown.code, 2);
    assert.match(oneLineError(unknown.stderr), /no signing key no-such-kid/);
    const missing = await tessera(['keys', 'revoke'], { env });
    assert.equal(missing.code, 2);
    assert.match(oneLineError(missing.stderr), /KID/);
  });
});
