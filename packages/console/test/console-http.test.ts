// How the server serves the console (no browser needed): hashed assets cached for a year as
// immutable, index.html revalidated, client routes fall back to index.html, missing files are 404,
// a strict CSP on every console response, gzip when asked, and the built page has no inline code.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ConsoleServer, startConsoleServer } from './support/console-server.js';

const STRICT_CSP =
  /default-src 'none'; script-src 'self'; style-src 'self';.*connect-src 'self';.*frame-ancestors 'none'/;

describe('GET /console', () => {
  let server: ConsoleServer;
  let html: string;

  before(async () => {
    server = await startConsoleServer();
    html = await (await fetch(`${server.origin}/console/`)).text();
  });
  after(() => server?.stop());

  test('index.html: no-cache, strict CSP, and no inline script or style in it', async () => {
    for (const path of ['/console', '/console/', '/console/index.html']) {
      const res = await fetch(server.origin + path);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get('cache-control'), 'no-cache');
      assert.match(res.headers.get('content-type')!, /^text\/html/);
      assert.match(res.headers.get('content-security-policy')!, STRICT_CSP);
      assert.equal(res.headers.get('x-frame-options'), 'DENY');
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    }
    // A mail link's page carries the token in its query: no cache may store it (nor its URL).
    const link = await fetch(`${server.origin}/console/reset-password?token=${'a'.repeat(43)}`);
    assert.equal(link.status, 200);
    assert.equal(await link.text(), html);
    assert.equal(link.headers.get('cache-control'), 'no-store');
    assert.equal(link.headers.get('referrer-policy'), 'no-referrer');
    assert.match(html, /<script type="module" crossorigin src="\/console\/assets\/[^"]+\.js"><\/script>/);
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'an inline <script>');
    assert.doesNotMatch(html, /<style|\sstyle=/, 'inline style');
    assert.doesNotMatch(html, /https?:\/\//, 'a reference to another origin');
  });

  test('client routes get index.html; missing assets and files are 404 (JSON, no fallback)', async () => {
    for (const path of ['/console/sessions', '/console/admin/keys', '/console/reset-password']) {
      const res = await fetch(server.origin + path);
      assert.equal(res.status, 200, path);
      assert.equal(await res.text(), html);
      assert.equal(res.headers.get('cache-control'), 'no-cache');
    }
    for (const path of ['/console/assets/nope.js', '/console/robots.txt', '/console/../package.json']) {
      const res = await fetch(server.origin + path);
      assert.equal(res.status, 404, path);
      assert.match(res.headers.get('content-type')!, /application\/json/);
    }
  });

  test('hashed assets: immutable for a year, gzip when accepted, ETag revalidation', async () => {
    const assets = [...html.matchAll(/\/console\/assets\/[^"]+/g)].map((m) => m[0]);
    assert.ok(assets.length >= 2, 'a script and a stylesheet');
    for (const path of assets) {
      const plain = await fetch(server.origin + path, { headers: { 'accept-encoding': 'identity' } });
      assert.equal(plain.status, 200);
      assert.equal(plain.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      assert.equal(plain.headers.get('content-encoding'), null);
      assert.match(plain.headers.get('content-security-policy')!, STRICT_CSP);
      const body = Buffer.from(await plain.arrayBuffer());
      // fetch decompresses for us: the gzip body is the same bytes, announced as gzip.
      const gz = await fetch(server.origin + path, { headers: { 'accept-encoding': 'gzip' } });
      assert.equal(gz.headers.get('content-encoding'), 'gzip');
      assert.deepEqual(Buffer.from(await gz.arrayBuffer()), body);
      assert.notEqual(gz.headers.get('etag'), plain.headers.get('etag'));
      const again = await fetch(server.origin + path, {
        headers: { 'accept-encoding': 'identity', 'if-none-match': plain.headers.get('etag')! },
      });
      assert.equal(again.status, 304);
    }
  });

  test('the API keeps its own deny-all CSP (the console policy is only on console responses)', async () => {
    const res = await fetch(`${server.origin}/healthz`);
    assert.equal(res.headers.get('content-security-policy'), "default-src 'none'; frame-ancestors 'none'");
  });
});
