// The SDK from the attacker's side, against the real auth server: the access token must never reach an
// origin the app did not name, and nothing posted on the cross-tab channel by another script may
// replace the session or end it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig, type RunningServer, startServer } from '@tessera/server';
import { createTesseraClient, type RefreshTokenStorage, type TesseraClient } from '../src/index.js';

const PASSWORD = 'correct horse battery staple';
let server: RunningServer;
let dir: string;

function memoryStorage(): RefreshTokenStorage {
  let value: string | null = null;
  return {
    get: () => value,
    set: (token) => {
      value = token;
    },
    delete: () => {
      value = null;
    },
  };
}

/** An HTTP server that records the headers of every request it receives. */
async function startRecorder(
  handler?: (url: string, res: import('node:http').ServerResponse) => boolean,
): Promise<{ url: string; seen: IncomingHttpHeaders[]; server: Server }> {
  const seen: IncomingHttpHeaders[] = [];
  const recorder = createServer((req, res) => {
    seen.push(req.headers);
    if (handler?.(req.url ?? '/', res)) return;
    res.statusCode = 401; // a foreign API answering 401 must not make the client refresh and retry
    res.end('{}');
  });
  await new Promise<void>((r) => recorder.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(recorder.address() as AddressInfo).port}`, seen, server: recorder };
}

async function signedInClient(
  email: string,
  extra: { channelName?: string; allowedOrigins?: string[] } = {},
) {
  const res = await fetch(`${server.url}/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  assert.equal(res.status, 201, await res.text());
  const client = createTesseraClient({
    baseUrl: server.url,
    refreshTokenStorage: memoryStorage(),
    refreshMarginSeconds: 0,
    ...extra,
  });
  await client.login({ email, password: PASSWORD });
  return client;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-client-attacks-'));
  const config = loadConfig({
    TESSERA_HOST: '127.0.0.1',
    TESSERA_PORT: '0',
    TESSERA_DATABASE_URL: `sqlite:${join(dir, 'tessera.db')}`,
    TESSERA_LOG_LEVEL: 'silent',
  });
  server = await startServer(config, { cwd: dir });
});

after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('client.fetch sends the bearer token only to configured origins', () => {
  test('a foreign origin gets no Authorization and its 401 causes no refresh', async () => {
    const foreign = await startRecorder();
    const client = await signedInClient('foreign@example.com');
    try {
      const before = await client.getAccessToken();
      const res = await client.fetch(`${foreign.url}/collect?x=1`, { method: 'POST', body: '{}' });
      assert.equal(res.status, 401);
      assert.equal(foreign.seen.length, 1, 'no retry to the foreign origin');
      assert.equal(foreign.seen[0]?.authorization, undefined);
      assert.equal(await client.getAccessToken(), before, 'a foreign 401 did not spend the refresh token');
      // The auth server's own origin still gets it.
      const me = await client.fetch(`${server.url}/v1/me`);
      assert.equal(me.status, 200);
    } finally {
      client.close();
      foreign.server.close();
    }
  });

  test('look-alike origins (same host, other port; localhost for 127.0.0.1) get no token', async () => {
    const other = await startRecorder();
    const client = await signedInClient('lookalike@example.com');
    try {
      await client.fetch(`${other.url}/v1/me`); // same host, another port
      await client.fetch(`http://localhost:${(other.server.address() as AddressInfo).port}/`);
      assert.equal(other.seen.length, 2);
      assert.ok(other.seen.every((h) => h.authorization === undefined));
    } finally {
      client.close();
      other.server.close();
    }
  });

  test('an allowed API origin gets the token; its redirect to a foreign origin does not', async () => {
    const foreign = await startRecorder((_url, res) => {
      res.end('ok');
      return true;
    });
    const api = await startRecorder((url, res) => {
      if (url === '/redirect') {
        res.statusCode = 302;
        res.setHeader('location', `${foreign.url}/landing`);
        res.end();
      } else res.end('ok');
      return true;
    });
    const client = await signedInClient('api@example.com', { allowedOrigins: [api.url] });
    try {
      const token = await client.getAccessToken();
      assert.equal((await client.fetch(`${api.url}/orders`)).status, 200);
      assert.equal(api.seen[0]?.authorization, `Bearer ${token}`);
      assert.equal((await client.fetch(`${api.url}/redirect`)).status, 200);
      assert.equal(api.seen[1]?.authorization, `Bearer ${token}`);
      assert.equal(foreign.seen.length, 1);
      assert.equal(foreign.seen[0]?.authorization, undefined, 'redirect carried no token across origins');
    } finally {
      client.close();
      api.server.close();
      foreign.server.close();
    }
  });

  test('allowedOrigins accepts origins only', () => {
    for (const bad of [
      'api.example.com',
      'https://api.example.com/v1',
      'ftp://x.example',
      'https://u:p@x.example',
    ]) {
      assert.throws(
        () => createTesseraClient({ baseUrl: 'https://auth.example.com', allowedOrigins: [bad] }),
        TypeError,
        bad,
      );
    }
    createTesseraClient({
      baseUrl: 'https://auth.example.com',
      allowedOrigins: ['https://api.example.com/'],
    }).close();
  });
});

describe('forged cross-tab messages change nothing', () => {
  /** Posts each message from a foreign BroadcastChannel and waits until a spy saw them all. */
  async function post(channelName: string, messages: unknown[]): Promise<void> {
    const spy = new BroadcastChannel(channelName);
    const attacker = new BroadcastChannel(channelName);
    let seen = 0;
    const all = new Promise<void>((resolve) => {
      spy.onmessage = () => {
        seen += 1;
        if (seen === messages.length) resolve();
      };
    });
    for (const m of messages) attacker.postMessage(m);
    await all;
    await new Promise((r) => setTimeout(r, 50));
    spy.close();
    attacker.close();
  }

  async function expectUnchanged(client: TesseraClient, token: string, events: string[]): Promise<void> {
    assert.equal(client.signedIn, true);
    assert.equal(await client.getAccessToken(), token);
    assert.deepEqual(events, []);
  }

  test('token messages: another user, bad shapes, far-future generation, lying expiry', async () => {
    const channelName = `forged-token-${Date.now()}`;
    const victim = await signedInClient('victim@example.com', { channelName });
    const attackerClient = await signedInClient('mallory@example.com', { channelName: `${channelName}-own` });
    const events: string[] = [];
    victim.on('token', () => events.push('token'));
    victim.on('signedout', () => events.push('signedout'));
    try {
      const token = await victim.getAccessToken();
      const mallory = await attackerClient.getAccessToken();
      const exp = JSON.parse(Buffer.from(mallory.split('.')[1]!, 'base64url').toString()).exp * 1000;
      const victimExp = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).exp * 1000;
      const soon = Date.now() + 1_000;
      // Victim's own token, re-signed nowhere: a forged payload with the victim's sub but a bad exp.
      await post(channelName, [
        { type: 'token', token: mallory, expiresAt: exp, generation: soon }, // someone else's session
        { type: 'token', token: mallory, expiresAt: exp, generation: Number.MAX_VALUE },
        { type: 'token', token: token, expiresAt: victimExp + 3_600_000, generation: soon }, // lies about expiry
        { type: 'token', token: 'not-a-jwt', expiresAt: exp, generation: soon },
        { type: 'token', token: mallory, expiresAt: String(exp), generation: soon },
        { type: 'token', token: mallory, expiresAt: exp, generation: soon, extra: 1 },
        { type: 'token', token: { toString: null }, expiresAt: exp, generation: soon },
        { type: 'token', token: `${'a'.repeat(20_000)}.b.c`, expiresAt: exp, generation: soon },
        ['token', mallory],
        null,
        'token',
        42,
        { type: '__proto__' },
      ]);
      await expectUnchanged(victim, token, events);
      const me = (await (await victim.fetch(`${server.url}/v1/me`)).json()) as {
        email?: string;
        sub: string;
      };
      const malloryMe = (await (await attackerClient.fetch(`${server.url}/v1/me`)).json()) as { sub: string };
      assert.notEqual(me.sub, malloryMe.sub);
    } finally {
      victim.close();
      attackerClient.close();
    }
  });

  test('sign-out messages that do not name the current token are ignored; a sibling logout still works', async () => {
    const channelName = `forged-signout-${Date.now()}`;
    const victim = await signedInClient('signout@example.com', { channelName });
    const events: string[] = [];
    victim.on('signedout', (e) => events.push(e.reason));
    try {
      const token = await victim.getAccessToken();
      const signature = token.slice(token.lastIndexOf('.') + 1);
      await post(channelName, [
        { type: 'signedout', reason: 'logout' },
        { type: 'signedout', reason: 'logout', ending: 'guess' },
        { type: 'signedout', reason: 'logout', ending: signature.slice(0, -1) },
        { type: 'signedout', reason: 'x'.repeat(1_000), ending: signature },
        { type: 'signedout', reason: 7, ending: signature },
      ]);
      await expectUnchanged(victim, token, []);
      assert.deepEqual(events, []);

      // Control: a real sibling that shares the session (it learned the token over the channel) can
      // still end it everywhere.
      const sibling = createTesseraClient({
        baseUrl: server.url,
        refreshTokenStorage: memoryStorage(),
        channelName,
        refreshMarginSeconds: 0,
      });
      const learned = new Promise<void>((r) => sibling.on('token', () => r()));
      await victim.refresh();
      await learned;
      const out = new Promise<void>((r) => victim.on('signedout', () => r()));
      await sibling.logout();
      await out;
      assert.equal(victim.signedIn, false);
      sibling.close();
    } finally {
      victim.close();
    }
  });
});
