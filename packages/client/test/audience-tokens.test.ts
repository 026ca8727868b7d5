// One token per audience, against the real auth server: `forAudience(A)` asks for `resource=A` at
// refresh and keeps that token apart from the default one; a resource service for audience A takes
// it, and refuses the default token; an audience the server does not serve fails without signing
// the user out.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createVerifier, decodeToken, importJwks } from '@tessera/core';
import { loadConfig, type RunningServer, startServer } from '@tessera/server';
import { createTesseraClient, type RefreshTokenStorage, TesseraClientError } from '../src/index.js';

const PASSWORD = 'correct horse battery staple';
const ISSUER = 'http://auth.test';
let server: RunningServer;
let dir: string;
let orders: Server;
let ordersUrl: string;

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

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-client-aud-'));
  server = await startServer(
    loadConfig({
      TESSERA_HOST: '127.0.0.1',
      TESSERA_PORT: '0',
      TESSERA_ISSUER: ISSUER,
      TESSERA_AUDIENCES: 'orders,billing',
      TESSERA_DATABASE_URL: `sqlite:${join(dir, 'tessera.db')}`,
      TESSERA_LOG_LEVEL: 'silent',
    }),
    { cwd: dir },
  );
  await fetch(`${server.url}/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'aud@example.com', password: PASSWORD }),
  });
  const jwks = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: JsonWebKey[] };
  const verify = createVerifier({
    keys: importJwks(jwks as never, { algorithms: ['ES256'] }),
    algorithms: ['ES256'],
    issuer: ISSUER,
    audience: 'orders',
  });
  // the orders API: only tokens whose aud is `orders`
  orders = createServer((req, res) => {
    try {
      const { payload } = verify((req.headers.authorization ?? '').replace(/^Bearer /, ''));
      res.end(JSON.stringify({ sub: payload.sub }));
    } catch {
      res.statusCode = 401;
      res.end('{}');
    }
  });
  await new Promise<void>((r) => orders.listen(0, '127.0.0.1', r));
  ordersUrl = `http://127.0.0.1:${(orders.address() as AddressInfo).port}`;
});

after(async () => {
  orders.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('tokens per audience', () => {
  test('forAudience keeps one token per audience beside the default one', async () => {
    const storage = memoryStorage();
    const client = createTesseraClient({
      baseUrl: server.url,
      fetch,
      refreshTokenStorage: storage,
      allowedOrigins: [ordersUrl],
    });
    try {
      await client.login({ email: 'aud@example.com', password: PASSWORD });
      const base = await client.getAccessToken();
      assert.equal(decodeToken(base).payload.aud, 'tessera');

      const ordersClient = client.forAudience('orders');
      const ordersToken = await ordersClient.getAccessToken();
      assert.equal(decodeToken(ordersToken).payload.aud, 'orders');
      assert.equal(await ordersClient.getAccessToken(), ordersToken, 'kept, not refreshed again');
      assert.equal(await client.getAccessToken({ audience: 'orders' }), ordersToken);
      const billing = await client.getAccessToken({ audience: 'billing' });
      assert.equal(decodeToken(billing).payload.aud, 'billing');
      assert.equal(await client.getAccessToken(), base, 'the default token is untouched');

      const ok = await ordersClient.fetch(`${ordersUrl}/orders`);
      assert.equal(ok.status, 200);
      assert.equal(((await ok.json()) as { sub: string }).sub, decodeToken(base).payload.sub);
      // An origin outside allowedOrigins gets no token from the audience client either.
      const elsewhere = client.forAudience('orders');
      const leaked = await elsewhere.fetch(`${ordersUrl.replace('127.0.0.1', 'localhost')}/orders`);
      assert.equal(leaked.status, 401, 'no bearer token sent to an origin that is not allowed');
      // the default token is for another audience: the orders API refuses it
      const wrong = await fetch(`${ordersUrl}/orders`, { headers: { authorization: `Bearer ${base}` } });
      assert.equal(wrong.status, 401);

      // the refresh token kept rotating through these refreshes and still works
      assert.ok(storage.value);
      assert.match(await client.refresh(), /^ey/);
    } finally {
      client.close();
    }
  });

  test('an audience the server does not serve: invalid_target, and the user stays signed in', async () => {
    const client = createTesseraClient({ baseUrl: server.url, fetch, refreshTokenStorage: memoryStorage() });
    try {
      await client.login({ email: 'aud@example.com', password: PASSWORD });
      await assert.rejects(client.getAccessToken({ audience: 'payroll' }), (err: unknown) => {
        assert.ok(err instanceof TesseraClientError);
        assert.equal(err.code, 'invalid_target');
        return true;
      });
      assert.equal(client.signedIn, true);
      assert.equal(decodeToken(await client.getAccessToken({ audience: 'orders' })).payload.aud, 'orders');
    } finally {
      client.close();
    }
  });
});
