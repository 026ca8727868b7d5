// The SDK against the real auth server (temporary SQLite file, real HTTP on 127.0.0.1), in native
// mode (refresh token in storage the app provides), which is the mode a Node process can run.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig, type RunningServer, startServer } from '@tessera/server';
import { createTesseraClient, type RefreshTokenStorage, SignedOutError } from '../src/index.js';

const PASSWORD = 'correct horse battery staple';
let server: RunningServer;
let dir: string;
let refreshCalls = 0;

/** fetch that counts refresh requests, so tests can assert how many the SDK made. */
const countingFetch: typeof fetch = (input, init) => {
  const url = input instanceof Request ? input.url : String(input);
  if (url.endsWith('/v1/auth/refresh')) refreshCalls += 1;
  return fetch(input, init);
};

function memoryStorage(): RefreshTokenStorage & { value: string | null } {
  return {
    value: null,
    get() {
      return this.value;
    },
    set(token: string) {
      this.value = token;
    },
    delete() {
      this.value = null;
    },
  };
}

async function register(email: string): Promise<void> {
  const res = await fetch(`${server.url}/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  assert.equal(res.status, 201, await res.text());
}

async function auditEvents(event: string): Promise<number> {
  const rows = await server.ctx.stores.audit.query({ event, limit: 1000 });
  return rows.length;
}

/** A resource server that refuses the tokens in `refused` (as if revoked) and echoes the rest. */
async function startResource(refused: Set<string>): Promise<{ url: string; server: Server }> {
  const resource = createServer((req, res) => {
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    res.statusCode = token && !refused.has(token) ? 200 : 401;
    res.end(JSON.stringify({ ok: res.statusCode === 200 }));
  });
  await new Promise<void>((r) => resource.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(resource.address() as AddressInfo).port}`, server: resource };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-client-'));
  const config = loadConfig({
    TESSERA_HOST: '127.0.0.1',
    TESSERA_PORT: '0',
    TESSERA_DATABASE_URL: `sqlite:${join(dir, 'tessera.db')}`,
    TESSERA_ACCESS_TTL: '2',
    TESSERA_LOG_LEVEL: 'silent',
  });
  server = await startServer(config, { cwd: dir });
});

after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('@tessera/client against the real server', () => {
  test('login, then fetch attaches the access token; the refresh token stays in app storage', async () => {
    await register('ada@example.com');
    const storage = memoryStorage();
    const client = createTesseraClient({
      baseUrl: server.url,
      refreshTokenStorage: storage,
      fetch: countingFetch,
    });
    await client.login({ email: 'ada@example.com', password: PASSWORD });
    // The 2 s token with the default 60 s margin: proactive refreshes halfway through each token's
    // life (exp has whole-second precision, so 1 to 3 of them in 1.5 s), never a tight loop.
    const before = refreshCalls;
    await new Promise((r) => setTimeout(r, 1_500));
    const made = refreshCalls - before;
    assert.ok(made >= 1 && made <= 3, `expected 1-3 proactive refreshes, saw ${made}`);
    assert.equal(client.signedIn, true);
    assert.ok(storage.value && storage.value.length >= 43, 'refresh token stored by the app');
    const me = await client.fetch(`${server.url}/v1/me`);
    assert.equal(me.status, 200);
    const claims = (await me.json()) as { sub: string; sid: string };
    assert.match(claims.sub, /\S/);
    client.close();
  });

  test('ten parallel requests with an expired access token cause exactly one refresh', async () => {
    await register('grace@example.com');
    const client = createTesseraClient({
      baseUrl: server.url,
      refreshTokenStorage: memoryStorage(),
      fetch: countingFetch,
      refreshMarginSeconds: 0,
    });
    await client.login({ email: 'grace@example.com', password: PASSWORD });
    await new Promise((r) => setTimeout(r, 2_200)); // the 2 s access token is now past exp
    const before = refreshCalls;
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => client.fetch(`${server.url}/v1/me`)),
    );
    assert.deepEqual(
      responses.map((r) => r.status),
      Array(10).fill(200),
    );
    assert.equal(refreshCalls - before, 1);
    client.close();
  });

  test('ten parallel 401s from a resource server cause exactly one refresh and one retry each', async () => {
    await register('linus@example.com');
    const refused = new Set<string>();
    const resource = await startResource(refused);
    const client = createTesseraClient({
      baseUrl: server.url,
      refreshTokenStorage: memoryStorage(),
      fetch: countingFetch,
      refreshMarginSeconds: 0,
      allowedOrigins: [resource.url], // another origin than the auth server's: named explicitly
    });
    await client.login({ email: 'linus@example.com', password: PASSWORD });
    refused.add(await client.getAccessToken());
    try {
      const before = refreshCalls;
      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          client.fetch(`${resource.url}/items`, { method: 'POST', body: JSON.stringify({ i }) }),
        ),
      );
      assert.deepEqual(
        responses.map((r) => r.status),
        Array(10).fill(200),
      );
      assert.equal(refreshCalls - before, 1);
      assert.equal(refused.has(await client.getAccessToken()), false, 'the retried token is the new one');
    } finally {
      resource.server.close();
      client.close();
    }
  });

  test('two tabs sharing a channel and a refresh token never trigger reuse detection', async () => {
    await register('tabs@example.com');
    const storage = memoryStorage(); // like the browser's cookie jar, shared by both tabs
    const channelName = `tabs-${Date.now()}`;
    const tabA = createTesseraClient({
      baseUrl: server.url,
      refreshTokenStorage: storage,
      channelName,
      refreshMarginSeconds: 0,
    });
    const tabB = createTesseraClient({
      baseUrl: server.url,
      refreshTokenStorage: storage,
      channelName,
      refreshMarginSeconds: 0,
    });
    const signedOut: string[] = [];
    tabA.on('signedout', (e) => signedOut.push(`A:${e.reason}`));
    tabB.on('signedout', (e) => signedOut.push(`B:${e.reason}`));
    const reuseBefore = await auditEvents('refresh_reuse_detected');

    await tabA.login({ email: 'tabs@example.com', password: PASSWORD });
    for (let round = 0; round < 3; round += 1) {
      // Both tabs refresh at the same moment, several times over.
      const [a, b] = await Promise.all([tabA.refresh(), tabB.refresh()]);
      assert.ok(a && b);
      const [ra, rb] = await Promise.all([
        tabA.fetch(`${server.url}/v1/me`),
        tabB.fetch(`${server.url}/v1/me`),
      ]);
      assert.equal(ra.status, 200);
      assert.equal(rb.status, 200);
    }
    assert.equal(await auditEvents('refresh_reuse_detected'), reuseBefore);
    assert.deepEqual(signedOut, []);
    tabA.close();
    tabB.close();
  });

  test('a tab learns the token its sibling got, over the channel', async () => {
    await register('sibling@example.com');
    const channelName = `sibling-${Date.now()}`;
    const storage = memoryStorage();
    const options = {
      baseUrl: server.url,
      refreshTokenStorage: storage,
      channelName,
      refreshMarginSeconds: 0,
    };
    const tabA = createTesseraClient(options);
    const tabB = createTesseraClient(options);
    const learned = new Promise<void>((resolve) => tabB.on('token', () => resolve()));
    await tabA.login({ email: 'sibling@example.com', password: PASSWORD });
    await learned;
    assert.equal(tabB.signedIn, true);
    assert.equal(await tabB.getAccessToken(), await tabA.getAccessToken());
    tabA.close();
    tabB.close();
  });

  test('logout-all elsewhere: the next refresh signs the client out with an event', async () => {
    await register('out@example.com');
    const client = createTesseraClient({
      baseUrl: server.url,
      refreshTokenStorage: memoryStorage(),
      refreshMarginSeconds: 0,
    });
    const other = createTesseraClient({ baseUrl: server.url, refreshTokenStorage: memoryStorage() });
    await client.login({ email: 'out@example.com', password: PASSWORD });
    await other.login({ email: 'out@example.com', password: PASSWORD });
    const events: string[] = [];
    client.on('signedout', (e) => events.push(e.reason));
    await other.logoutAll();
    await assert.rejects(client.refresh(), SignedOutError);
    assert.equal(client.signedIn, false);
    assert.equal(events.length, 1);
    await assert.rejects(client.getAccessToken(), SignedOutError);
    client.close();
    other.close();
  });

  test('wrong password surfaces the server error code', async () => {
    await register('typo@example.com');
    const client = createTesseraClient({ baseUrl: server.url, refreshTokenStorage: memoryStorage() });
    await assert.rejects(client.login({ email: 'typo@example.com', password: 'not the password' }), {
      status: 401,
      code: 'invalid_credentials',
    });
    assert.equal(client.signedIn, false);
    client.close();
  });
});
