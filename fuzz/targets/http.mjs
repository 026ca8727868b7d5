// Every route's input over real HTTP: a real server on a temporary SQLite file gets random methods,
// paths (known routes with random parameters, and random paths), headers (content types, bearer and
// basic credentials, cookies, origins) and bodies (random JSON, form-encoded, raw bytes, wrong types
// for real fields). Property: never a 5xx, never a stack trace in a response.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, startServer } from '@tessera/server';
import fc from 'fast-check';
import { runForBudget } from '../lib/budget.mjs';

const ADMIN = 'fuzz-admin@example.com';
const PASSWORD = 'quartz meadow lantern 51';
const USER = 'fuzz-user@example.com';

const ROUTES = [
  ['POST', '/v1/auth/register'],
  ['POST', '/v1/auth/login'],
  ['POST', '/v1/auth/refresh'],
  ['POST', '/v1/auth/logout'],
  ['POST', '/v1/auth/logout-all'],
  ['POST', '/v1/auth/password'],
  ['GET', '/v1/me'],
  ['GET', '/v1/sessions'],
  ['DELETE', '/v1/sessions/:id'],
  ['GET', '/v1/admin/users'],
  ['POST', '/v1/admin/users'],
  ['PATCH', '/v1/admin/users/:id'],
  ['GET', '/v1/admin/clients'],
  ['POST', '/v1/admin/clients'],
  ['PATCH', '/v1/admin/clients/:id'],
  ['GET', '/v1/admin/keys'],
  ['POST', '/v1/admin/keys/rotate'],
  ['GET', '/v1/admin/audit'],
  ['POST', '/v1/oauth/token'],
  ['POST', '/v1/oauth/introspect'],
  ['POST', '/v1/oauth/revoke'],
  ['GET', '/v1/revocations'],
  ['GET', '/v1/authz'],
  ['GET', '/.well-known/jwks.json'],
  ['GET', '/.well-known/openid-configuration'],
  ['GET', '/healthz'],
  ['GET', '/readyz'],
  ['GET', '/metrics'],
];
const FIELDS = [
  'email',
  'password',
  'refresh_token',
  'refresh_token_in_body',
  'current_password',
  'new_password',
  'roles',
  'disabled',
  'name',
  'scopes',
  'audiences',
  'grant_type',
  'client_id',
  'client_secret',
  'scope',
  'audience',
  'token',
  'token_type_hint',
  'replace',
];

async function startTarget() {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-fuzz-http-'));
  const server = await startServer(
    loadConfig({
      TESSERA_HOST: '127.0.0.1',
      TESSERA_PORT: '0',
      TESSERA_DATABASE_URL: `sqlite:${join(dir, 'tessera.db')}`,
      TESSERA_LOG_LEVEL: 'silent',
      TESSERA_BOOTSTRAP_ADMIN_EMAIL: ADMIN,
      TESSERA_BOOTSTRAP_ADMIN_PASSWORD: PASSWORD,
      // Limits high enough that the fuzzer reaches the handlers instead of the 429s.
      TESSERA_LOGIN_LIMIT_IP: '1000000/1m',
      TESSERA_LOGIN_LIMIT_ACCOUNT: '1000000/1m',
      TESSERA_REFRESH_LIMIT_IP: '1000000/1m',
    }),
    { cwd: dir },
  );
  const call = (method, path, body, token) =>
    fetch(server.url + path, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then((r) => r.json());
  const login = await call('POST', '/v1/auth/login', {
    email: ADMIN,
    password: PASSWORD,
    refresh_token_in_body: true,
  });
  // Real objects for the routes that take ids, so the fuzzer reaches past "not found".
  const user = await call('POST', '/v1/admin/users', { email: USER, password: PASSWORD }, login.access_token);
  const userLogin = await call('POST', '/v1/auth/login', {
    email: USER,
    password: PASSWORD,
    refresh_token_in_body: true,
  });
  const client = await call(
    'POST',
    '/v1/admin/clients',
    {
      name: 'fuzz',
      scopes: ['introspect', 'revoke', 'revocations:read'],
      audiences: ['fuzz-api'],
    },
    login.access_token,
  );
  const sessions = await call('GET', '/v1/sessions', undefined, userLogin.access_token);
  return {
    server,
    admin: login.access_token,
    refresh: login.refresh_token,
    user: userLogin.access_token,
    userRefresh: userLogin.refresh_token,
    userId: user.user?.id ?? 'u_missing',
    clientId: client.client_id ?? 'c_missing',
    clientSecret: client.client_secret ?? 'missing',
    sessionId: sessions.sessions?.[0]?.id ?? 's_missing',
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function requestArb(t) {
  const weird = fc.constantFrom(
    '',
    '%00',
    '..%2f..%2f',
    '%ff',
    'x'.repeat(300),
    '😀',
    "' OR 1=1 --",
    '{}',
    '[]',
    'null',
    'u_1',
    t.userId,
    t.clientId,
    t.sessionId,
  );
  const path = fc.oneof(
    {
      weight: 5,
      arbitrary: fc
        .tuple(fc.constantFrom(...ROUTES), weird)
        .map(([[m, p], param]) => [m, p.replace(':id', encodeURIComponent(param) || 'x')]),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'), fc.webPath())
        .map(([m, p]) => [m, p || '/']),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...ROUTES), fc.webQueryParameters())
        .map(([[m, p], q]) => [m, `${p.replace(':id', 'x')}?${q}`]),
    },
  );
  const value = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }),
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom(
      t.userRefresh,
      t.user,
      'a@b.co',
      PASSWORD,
      'x'.repeat(10_000),
      'refresh_token',
      'client_credentials',
    ),
  );
  // Well-formed bodies of the real routes with one field removed, retyped or replaced, plus an extra.
  const VALID = [
    { email: USER, password: PASSWORD, refresh_token_in_body: true },
    { email: 'new@example.com', password: 'tangerine orbit 71 gravel' },
    { refresh_token: t.userRefresh, refresh_token_in_body: true },
    { current_password: `${PASSWORD}x`, new_password: 'tangerine orbit 71 gravel' },
    { email: 'made@example.com', password: PASSWORD, roles: ['user', 'editor'] },
    { roles: ['user'], disabled: false },
    { name: 'svc', scopes: ['introspect'], audiences: ['fuzz-api'] },
    {
      grant_type: 'client_credentials',
      client_id: t.clientId,
      client_secret: t.clientSecret,
      audience: 'fuzz-api',
    },
    {
      grant_type: 'refresh_token',
      refresh_token: t.userRefresh,
      client_id: t.clientId,
      client_secret: t.clientSecret,
    },
    { token: t.user, token_type_hint: 'access_token', client_id: t.clientId, client_secret: t.clientSecret },
    { token: t.userRefresh, client_id: t.clientId, client_secret: t.clientSecret },
  ];
  const mutatedValid = fc
    .tuple(
      fc.constantFrom(...VALID),
      fc.nat(20),
      fc.nat(2),
      value,
      fc.option(fc.tuple(fc.constantFrom(...FIELDS, '__proto__', 'constructor'), value)),
    )
    .map(([base, pick, action, v, extra]) => {
      const body = { ...base };
      const keys = Object.keys(body);
      const key = keys[pick % keys.length];
      if (action === 0) delete body[key];
      else if (action === 1) body[key] = v;
      if (extra) body[extra[0]] = extra[1];
      return body;
    });
  const json = fc.oneof(
    { weight: 3, arbitrary: mutatedValid },
    { weight: 2, arbitrary: fc.dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: 5 }) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  );
  const body = fc.oneof(
    json.map((v) => ['application/json', JSON.stringify(v)]),
    fc
      .dictionary(fc.constantFrom(...FIELDS), fc.string({ maxLength: 30 }), { maxKeys: 4 })
      .map((v) => ['application/x-www-form-urlencoded', new URLSearchParams(v).toString()]),
    fc.tuple(
      fc.constantFrom(
        'application/json',
        'application/x-www-form-urlencoded',
        'text/plain',
        'multipart/form-data; boundary=x',
        'application/json; charset=utf-16',
        'application/jwt',
        '',
      ),
      fc.string({ unit: 'binary', maxLength: 200 }),
    ),
    fc.constant(undefined),
  );
  const auth = fc.oneof(
    fc.constant(undefined),
    fc.constant(`Bearer ${t.admin}`),
    fc.constant(`Bearer ${t.user}`),
    fc.constant(`Basic ${Buffer.from(`${t.clientId}:${t.clientSecret}`).toString('base64')}`),
    fc.string({ maxLength: 40 }).map((s) => `Bearer ${s}`),
    fc
      .tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }))
      .map(([u, p]) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`),
    fc.constantFrom('Basic', 'Basic !!!', 'Bearer', 'bearer  a b', `Bearer ${t.admin}x`, 'Digest x'),
  );
  const cookie = fc.oneof(
    fc.constant(undefined),
    fc.constant(`tessera_rt=${t.userRefresh}`),
    fc.string({ maxLength: 40 }).map((s) => `tessera_rt=${s}`),
    fc.constant('tessera_rt=a; tessera_rt=b'),
  );
  const origin = fc.oneof(
    fc.constant(undefined),
    fc.constantFrom('http://localhost:8080', 'null', 'https://evil.test', '%%%'),
  );
  return fc.record({
    path,
    body,
    auth,
    cookie,
    origin,
    accept: fc.constantFrom(undefined, 'text/event-stream', '*/*'),
  });
}

export async function httpTarget(seconds) {
  const t = await startTarget();
  const counter = { n: 0 };
  const statuses = {};
  try {
    const property = fc.asyncProperty(requestArb(t), async (r) => {
      counter.n += 1;
      const [method, path] = r.path;
      const headers = {};
      // The admin's token must survive the run: ending sessions is tried with the user's instead.
      const endsSessions = /^\/v1\/(auth\/(logout|password)|sessions)/.test(path);
      if (r.auth) headers.authorization = endsSessions ? r.auth.replace(t.admin, t.user) : r.auth;
      if (r.cookie) headers.cookie = r.cookie;
      if (r.origin) headers.origin = r.origin;
      if (r.accept) headers.accept = r.accept;
      let body;
      if (r.body && method !== 'GET' && method !== 'HEAD') {
        if (r.body[0]) headers['content-type'] = r.body[0];
        body = r.body[1];
      }
      let res;
      try {
        res = await fetch(t.server.url + (path.startsWith('/') ? path : `/${path}`), {
          method,
          headers,
          body,
          signal: AbortSignal.timeout(10_000),
        });
      } catch (err) {
        // A connection the server dropped is a finding; a request fetch refuses to send is not.
        if (err?.name === 'TypeError' && err.message !== 'fetch failed') return;
        throw err;
      }
      // SSE answers stream forever: read the status, then stop.
      const text = res.headers.get('content-type')?.includes('event-stream') ? '' : await res.text();
      if (res.headers.get('content-type')?.includes('event-stream')) await res.body?.cancel();
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      if (res.status >= 500)
        throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
      if (/\bat .+\.(js|ts):\d+/.test(text)) throw new Error(`${method} ${path} leaked a stack trace`);
    });
    const result = await runForBudget('http-routes', property, { seconds, counter, chunk: 100 });
    return { ...result, statuses };
  } finally {
    await t.close();
  }
}
