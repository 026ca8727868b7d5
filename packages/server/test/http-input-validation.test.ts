// Table-driven input validation over EVERY registered route (fastify.inject is fine here):
// malformed JSON, wrong types, missing fields, huge strings, wrong content type, a body over
// 64 KiB. Each answer is a JSON error with a 4xx status — never a 500, never a stack trace.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  GOOD_PASSWORD,
  registerAndLogin,
  startTestServer,
  type TestServer,
} from './support/server-harness.js';

interface Case {
  name: string;
  payload?: string;
  contentType?: string;
  /** Statuses acceptable on any route; the first entries are what the flows routes must answer. */
  expect: number[];
}

const huge = 'x'.repeat(10_000); // five of them stay under the 64 KiB limit
const CASES: Case[] = [
  { name: 'malformed JSON', payload: '{"email": "a@b.co", ', expect: [400] },
  { name: 'JSON with a trailing comma', payload: '{"email": "a@b.co",}', expect: [400] },
  { name: 'empty JSON body', payload: '', expect: [400] },
  { name: 'a JSON array', payload: '[1,2,3]', expect: [400] },
  { name: 'JSON null', payload: 'null', expect: [400] },
  { name: 'a JSON string', payload: '"hello"', expect: [400] },
  {
    name: 'wrong types',
    payload: JSON.stringify({
      email: 42,
      password: ['x'],
      refresh_token: {},
      current_password: 1,
      new_password: true,
    }),
    expect: [400],
  },
  { name: 'missing fields', payload: '{}', expect: [400] },
  {
    name: 'huge strings',
    payload: JSON.stringify({
      email: `${huge}@example.com`,
      password: huge,
      refresh_token: huge,
      current_password: huge,
      new_password: huge,
    }),
    expect: [400],
  },
  {
    name: 'prototype poisoning',
    payload: '{"__proto__": {"admin": true}, "email": "a@b.co"}',
    expect: [400],
  },
  { name: 'text/plain body', payload: 'email=a@b.co', contentType: 'text/plain', expect: [415] },
  {
    name: 'form body',
    payload: 'email=a%40b.co&password=x',
    contentType: 'application/x-www-form-urlencoded',
    expect: [415, 400],
  },
  { name: 'XML body', payload: '<a/>', contentType: 'application/xml', expect: [415] },
  {
    name: 'a body over 64 KiB',
    payload: JSON.stringify({ email: 'a@b.co', password: 'p'.repeat(70 * 1024) }),
    expect: [413],
  },
];

/** Statuses any route may legitimately answer to bad input (auth and routing come first on some). */
const ANY_ROUTE_OK = new Set([400, 401, 403, 404, 405, 413, 415, 429]);

/** The flows routes whose body validation must give exactly `expect` (they parse before auth). */
const FLOWS_POST = new Set([
  '/v1/auth/register',
  '/v1/auth/login',
  '/v1/auth/refresh',
  '/v1/auth/logout',
  '/v1/auth/logout-all',
  '/v1/auth/password',
]);

const OPTIONAL_BODY = new Set(['/v1/auth/logout', '/v1/auth/logout-all']);

describe('malformed input on every route: 400/413/415, never 500', () => {
  let t: TestServer;
  let email: string;
  before(async () => {
    t = await startTestServer({
      env: { TESSERA_LOGIN_LIMIT_IP: '10000/15m', TESSERA_REFRESH_LIMIT_IP: '10000/15m' },
    });
    email = (await registerAndLogin(t.url)).email;
  });

  /** A fresh access token: logout routes under test revoke the previous one. */
  async function freshToken(): Promise<string> {
    const res = await t.server.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email, password: GOOD_PASSWORD },
    });
    return JSON.parse(res.body).access_token as string;
  }
  after(async () => {
    await t.stop(true);
  });

  test('the route list covers the flows routes', () => {
    const urls = new Set(t.server.app.routeList.map((r) => r.url));
    for (const url of [...FLOWS_POST, '/v1/me', '/v1/sessions', '/v1/sessions/:id'])
      assert.ok(urls.has(url), url);
  });

  test('every route × every malformed input', async () => {
    const routes = t.server.app.routeList.filter((r) => r.method !== 'OPTIONS');
    assert.ok(routes.length >= 9);
    let checked = 0;
    for (const route of routes) {
      const url = route.url.replace(/:(\w+)/g, 'some-$1').replace(/\*$/, 'x');
      const token = await freshToken();
      for (const c of CASES) {
        for (const auth of [false, true]) {
          const headers: Record<string, string> = { 'content-type': c.contentType ?? 'application/json' };
          if (auth) headers.authorization = `Bearer ${token}`;
          // Keep CSRF and the cookie out of it: only the body is under test.
          const res = await t.server.app.inject({
            method: route.method as 'POST',
            url,
            headers,
            payload: c.payload,
          });
          const where = `${route.method} ${route.url} (${c.name}${auth ? ', with token' : ''})`;
          assert.ok(res.statusCode < 500, `${where} answered ${res.statusCode}: ${res.body}`);
          assert.doesNotMatch(res.body, /\n\s+at |node_modules|\.js:\d+/, `${where} leaked a stack trace`);
          const methodHasBody = route.method !== 'GET' && route.method !== 'DELETE';
          if (route.url === '/docs/static/index.html') {
            // Swagger UI's old address of its page: a redirect to /docs/.
            assert.equal(res.statusCode, 302, where);
          } else if (!methodHasBody) {
            assert.ok(
              res.statusCode < 300 || ANY_ROUTE_OK.has(res.statusCode),
              `${where}: ${res.statusCode}`,
            );
          } else if (FLOWS_POST.has(route.url)) {
            // Logout bodies are optional: `{}` is a valid logout (204) or, without a token, a 401.
            // Password change authenticates first: a parsed body without a token is a 401.
            const expect =
              c.name === 'missing fields' && OPTIONAL_BODY.has(route.url)
                ? [204, 401]
                : route.url === '/v1/auth/password' && !auth
                  ? [...c.expect, 401]
                  : c.expect;
            assert.ok(
              expect.includes(res.statusCode),
              `${where}: expected ${expect}, got ${res.statusCode} ${res.body}`,
            );
          } else {
            assert.ok(
              res.statusCode < 300 || ANY_ROUTE_OK.has(res.statusCode),
              `${where}: ${res.statusCode}`,
            );
          }
          const htmlPage = /^text\/html/.test(String(res.headers['content-type']));
          if (route.url.startsWith('/console/') && htmlPage) {
            // The console's pages (those of mail links included) answer HTML for people.
            assert.match(res.body, /^<!doctype html>/, `${where}: an HTML page`);
          } else if (res.statusCode >= 400 && res.body !== '') {
            const body = JSON.parse(res.body) as { error?: unknown };
            assert.equal(typeof body.error, 'string', `${where}: error code in the body`);
          }
          checked++;
        }
      }
    }
    assert.ok(checked >= routes.length * CASES.length * 2);
  });

  test('bad field values name the field', async () => {
    const res = await t.server.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: 'a@b.co', password: 12 },
    });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(JSON.parse(res.body), {
      error: 'invalid_request',
      error_description: 'password: must be a string',
    });
    const reg = await t.server.app.inject({
      method: 'POST',
      url: '/v1/auth/register',
      payload: { email: 'not-an-email', password: 'long enough password' },
    });
    assert.equal(reg.statusCode, 400);
    assert.match(JSON.parse(reg.body).error_description, /email/);
  });

  test('unknown routes and methods are JSON 404s', async () => {
    const res = await t.server.app.inject({ method: 'GET', url: '/v1/nope' });
    assert.equal(res.statusCode, 404);
    assert.equal(JSON.parse(res.body).error, 'not_found');
  });
});
