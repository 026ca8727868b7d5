// GET /openapi.json: every registered route (as Fastify's onRoute hook saw it: app.routeList) is in
// the description with its method, the description is valid OpenAPI 3.1 (checked by a maintained
// validator), and real answers of the running server match what it documents.
// Left out on purpose, and only these: the console's static files (/console, /console/*) and the
// docs' own page and assets (/docs, /docs/*).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { openApiPathOf } from '../src/openapi/route-transform.js';
import {
  GOOD_PASSWORD,
  registerAndLogin,
  request,
  startTestServer,
  type TestServer,
} from './support/server-harness.js';

const EXCLUDED = [/^\/console(\/\*)?$/, /^\/docs(\/.*)?$/];

// biome-ignore lint/suspicious/noExplicitAny: the document is read loosely and asserted on
type Doc = any;

describe('GET /openapi.json', () => {
  let t: TestServer;
  let doc: Doc;
  before(async () => {
    t = await startTestServer({
      env: {
        TESSERA_BOOTSTRAP_ADMIN_EMAIL: 'ops@example.com',
        TESSERA_BOOTSTRAP_ADMIN_PASSWORD: GOOD_PASSWORD,
      },
    });
    const res = await request(t.url, 'GET', '/openapi.json');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^application\/json/);
    doc = res.body;
  });
  after(() => t.stop(true));

  test('is a valid OpenAPI 3.1 document (@seriousme/openapi-schema-validator)', async () => {
    const validator = new Validator();
    const result = await validator.validate(doc);
    assert.equal(validator.version, '3.1');
    assert.deepEqual(result, { valid: true });
    assert.match(doc.openapi, /^3\.1\./);
  });

  test('every registered route is described, with its method; only the console and the docs are left out', () => {
    const routes = t.server.app.routeList;
    assert.ok(routes.length > 40, `only ${routes.length} routes collected`);
    const missing: string[] = [];
    const excluded = new Set<string>();
    for (const { method, url } of routes) {
      if (EXCLUDED.some((re) => re.test(url))) {
        excluded.add(url.replace(/\/.*$/, '') || url);
        assert.equal(doc.paths[openApiPathOf(url)], undefined, `${url} should be left out`);
        continue;
      }
      const operation = doc.paths[openApiPathOf(url)]?.[method.toLowerCase()];
      if (!operation) missing.push(`${method} ${url}`);
    }
    assert.deepEqual(missing, [], 'routes missing from /openapi.json');
    // The exclusions are real routes (so the list above is not stale).
    assert.ok(routes.some((r) => r.url === '/console'));
    assert.ok(routes.some((r) => r.url === '/docs'));
  });

  test('every operation documents a success answer, the error shape and a summary', () => {
    const problems: string[] = [];
    for (const [path, item] of Object.entries<Doc>(doc.paths)) {
      for (const [method, op] of Object.entries<Doc>(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        if (!op.summary) problems.push(`${where}: no summary`);
        const statuses = Object.keys(op.responses);
        if (!statuses.some((s) => /^[23]\d\d$/.test(s))) problems.push(`${where}: no success response`);
        const fallback = op.responses.default?.content?.['application/json']?.schema?.$ref;
        if (fallback !== '#/components/schemas/Error') problems.push(`${where}: no default error`);
        if (!op.operationId && method !== 'head' && !path.startsWith('/v1/authz'))
          problems.push(`${where}: no operationId`);
      }
    }
    assert.deepEqual(problems, []);
  });

  test('security schemes: bearer JWT, Basic for OAuth clients, the refresh cookie, the metrics token', () => {
    const schemes = doc.components.securitySchemes;
    assert.deepEqual(
      {
        type: schemes.bearerAuth.type,
        scheme: schemes.bearerAuth.scheme,
        format: schemes.bearerAuth.bearerFormat,
      },
      { type: 'http', scheme: 'bearer', format: 'JWT' },
    );
    assert.equal(schemes.clientBasic.scheme, 'basic');
    assert.deepEqual(
      { type: schemes.refreshCookie.type, in: schemes.refreshCookie.in, name: schemes.refreshCookie.name },
      { type: 'apiKey', in: 'cookie', name: 'tessera_rt' },
    );
    assert.equal(schemes.metricsToken.scheme, 'bearer');
    // Every admin operation needs a bearer token; the OAuth endpoints take client credentials.
    for (const [path, item] of Object.entries<Doc>(doc.paths)) {
      if (!path.startsWith('/v1/admin/')) continue;
      for (const [method, op] of Object.entries<Doc>(item))
        assert.deepEqual(op.security, [{ bearerAuth: [] }], `${method} ${path}`);
    }
    for (const path of ['/v1/oauth/token', '/v1/oauth/introspect', '/v1/oauth/revoke']) {
      const op = doc.paths[path].post;
      assert.ok(
        op.security.some((s: Doc) => 'clientBasic' in s),
        path,
      );
      assert.ok(op.requestBody.content['application/x-www-form-urlencoded'], path);
    }
    assert.ok(doc.paths['/v1/auth/refresh'].post.security.some((s: Doc) => 'refreshCookie' in s));
    assert.ok(doc.paths['/metrics'].get.security.some((s: Doc) => 'metricsToken' in s));
    assert.equal(
      doc.paths['/metrics'].get.responses['200'].content['text/plain; version=0.0.4'].schema.type,
      'string',
    );
  });

  test("real answers match the documented schemas (success bodies and the server's error JSON)", async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addSchema({ $id: 'doc', components: doc.components });
    const check = (path: string, method: string, status: number, body: unknown) => {
      // A status the operation does not list falls under its `default` answer (the error shape).
      const responses = doc.paths[path][method].responses;
      const media = (responses[String(status)] ?? responses.default)?.content?.['application/json'];
      assert.ok(media, `${method} ${path} documents no JSON ${status}`);
      const schema = JSON.parse(
        JSON.stringify(media.schema).replaceAll('"#/components/', '"doc#/components/'),
      );
      const validate = ajv.compile(schema);
      assert.ok(validate(body), `${method} ${path} ${status}: ${ajv.errorsText(validate.errors)}`);
    };

    const user = await registerAndLogin(t.url);
    const me = await request(t.url, 'GET', '/v1/me', { token: user.accessToken });
    check('/v1/me', 'get', 200, me.body);
    const sessions = await request(t.url, 'GET', '/v1/sessions', { token: user.accessToken });
    check('/v1/sessions', 'get', 200, sessions.body);
    const denied = await request(t.url, 'GET', '/v1/me', { token: 'not-a-token' });
    assert.equal(denied.status, 401);
    check('/v1/me', 'get', 401, denied.body);
    const bad = await request(t.url, 'POST', '/v1/auth/login', { body: { email: 7 } });
    assert.equal(bad.status, 400);
    check('/v1/auth/login', 'post', 400, bad.body);

    const login = await request(t.url, 'POST', '/v1/auth/login', {
      body: { email: 'ops@example.com', password: GOOD_PASSWORD, refresh_token_in_body: true },
    });
    check('/v1/auth/login', 'post', 200, login.body);
    const admin = login.body.access_token as string;
    for (const path of ['/v1/admin/users', '/v1/admin/audit', '/v1/admin/clients', '/v1/admin/keys']) {
      const res = await request(t.url, 'GET', path, { token: admin });
      assert.equal(res.status, 200, path);
      check(path, 'get', 200, res.body);
    }
    const forbidden = await request(t.url, 'GET', '/v1/admin/users', { token: user.accessToken });
    assert.equal(forbidden.status, 403);
    check('/v1/admin/users', 'get', 403, forbidden.body);
    check('/healthz', 'get', 200, (await request(t.url, 'GET', '/healthz')).body);
  });
});
