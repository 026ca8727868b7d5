// GET /docs: Swagger UI from files this server serves. Every asset the page references answers 200
// from the server itself; the page, its styles and its initializer name no other origin; the CSP
// allows no inline script; and in real Chromium the page renders the API's operations without a
// single request to another origin and without a CSP violation.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Chromium, chromiumUnavailable, launchChromium } from './support/chromium.js';
import { startTestServer, type TestServer } from './support/server-harness.js';

const skipBrowser = chromiumUnavailable();

/** The absolute URLs in a text, once data: URIs (whose SVG carries an xmlns URL) are removed. */
function absoluteUrls(text: string): string[] {
  const withoutData = text.replace(/url\("data:.*?"\)|url\('data:.*?'\)|url\(data:[^)]*\)/g, '');
  return withoutData.match(/\b(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}[^\s"')]*/gi) ?? [];
}

describe('GET /docs', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.stop(true));

  test('the page and every asset it references come from this server, with a CSP without inline code', async () => {
    const page = await fetch(`${t.url}/docs`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type')!, /^text\/html/);
    const csp = page.headers.get('content-security-policy')!;
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
    const html = await page.text();
    // No inline script: every <script> has a src and nothing inside.
    for (const tag of html.match(/<script\b[^>]*>[\s\S]*?<\/script>/g) ?? []) {
      assert.match(tag, /\ssrc="/, tag);
      assert.match(tag, /<script\b[^>]*>\s*<\/script>/, tag);
    }
    assert.deepEqual(absoluteUrls(html), []);

    const refs = [...html.matchAll(/\s(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(refs.length >= 5, `only ${refs.length} assets referenced`);
    for (const ref of refs) {
      const url = new URL(ref, `${t.url}/docs`);
      assert.equal(url.origin, t.url, `${ref} is on another origin`);
      const res = await fetch(url);
      assert.equal(res.status, 200, ref);
      const body = await res.text();
      if (ref.endsWith('.css') || ref.endsWith('swagger-initializer.js')) {
        // (comment lines are not requests: the initializer cites a web page in one)
        const code = body.replace(/^\s*\/\/.*$/gm, '');
        assert.deepEqual(absoluteUrls(code), [], `${ref} names another origin`);
      }
      if (ref.endsWith('swagger-initializer.js')) {
        // The description it loads is this server's, and the online validator badge is off.
        assert.match(body, /resolveUrl\('\.\/json'\)/);
        assert.match(body, /validatorUrl: null/);
      }
    }
    // ./json (what the page loads) is the same document as /openapi.json.
    const [json, openapi] = await Promise.all([
      fetch(`${t.url}/docs/json`).then((r) => r.json()),
      fetch(`${t.url}/openapi.json`).then((r) => r.json()),
    ]);
    assert.deepEqual(json, openapi);
  });

  describe('in Chromium', { skip: skipBrowser }, () => {
    let browser: Chromium;
    before(async () => {
      browser = await launchChromium();
    });
    after(() => browser?.close());

    test('renders the operations; no request leaves the origin; no CSP violation', async () => {
      const page = await browser.context.newPage();
      const requests: string[] = [];
      const problems: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('console', (m) => {
        if (m.type() === 'error' || /content security policy/i.test(m.text())) problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(String(e)));
      const res = await page.goto(`${t.url}/docs`);
      assert.equal(res?.status(), 200);
      await page.waitForSelector('.opblock-summary-path', { timeout: 20_000 });
      const paths = await page.$$eval('.opblock-summary-path', (els) => els.map((e) => e.textContent));
      assert.ok(paths.includes('/v1/auth/login'), `rendered: ${paths.slice(0, 5).join(', ')}`);
      // Expand one operation so its schemas render too.
      await page.click('#operations-auth-postAuthLogin .opblock-summary');
      await page.waitForSelector('#operations-auth-postAuthLogin .opblock-body');
      const foreign = requests.filter((u) => !u.startsWith(`${t.url}/`) && !u.startsWith('data:'));
      assert.deepEqual(foreign, []);
      assert.ok(requests.some((u) => u.endsWith('/docs/json')));
      assert.deepEqual(problems, []);
      await page.close();
    });
  });
});
