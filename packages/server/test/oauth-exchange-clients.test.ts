// Real HTTP, on a temporary SQLite file and (with TESSERA_TEST_POSTGRES_URL) a fresh PostgreSQL
// database: OAuth clients as a feature (admin API, secrets shown once, rotation, disable/delete
// cutting live tokens at introspection, on the revocation feed and in @tessera/verify),
// private_key_jwt (RFC 7523) attacked with replayed and foreign-signed assertions, service tokens
// kept apart from user tokens (RFC 8725 section 3.11), and RFC 8693 token exchange.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
  createSigner,
  createVerifier,
  decodeToken,
  exportJwk,
  generateKey,
  importJwks,
  type TesseraKey,
} from '@tessera/core';
import { createRemoteVerifier } from '@tessera/verify';
import { ADMIN_EMAIL, adminToken, basic, createUser, form, startOpsServer } from './ops-support.js';
import { createTempPostgres, isCi, POSTGRES_MISSING, testPostgresUrl } from './support/db-postgres.js';
import {
  GOOD_PASSWORD,
  request,
  startTestServer,
  TEST_ISSUER,
  type TestServer,
} from './support/server-harness.js';

const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token';
const TOKEN_ENDPOINT = `${TEST_ISSUER}/v1/oauth/token`;

const claimsOf = (token: string) => decodeToken(token).payload as Record<string, unknown>;

interface Backend {
  name: string;
  /** Extra env for the server, and a disposer. */
  open(): Promise<{ env: Record<string, string>; dispose(): Promise<void> }>;
}

const backends: Backend[] = [{ name: 'sqlite', open: async () => ({ env: {}, dispose: async () => {} }) }];
const pgUrl = testPostgresUrl();
if (pgUrl) {
  backends.push({
    name: 'postgres',
    async open() {
      const temp = await createTempPostgres(pgUrl);
      return { env: { TESSERA_DATABASE_URL: temp.url }, dispose: temp.dispose };
    },
  });
} else if (isCi()) {
  throw new Error(POSTGRES_MISSING);
}

async function createClient(base: string, admin: string, body: Record<string, unknown>) {
  const res = await request(base, 'POST', '/v1/admin/clients', {
    token: admin,
    body: { name: 'svc', ...body },
  });
  if (res.status !== 201) throw new Error(`create client failed: ${res.status} ${res.text}`);
  return { id: res.body.client_id as string, secret: res.body.client_secret as string, body: res.body };
}

function clientToken(base: string, id: string, secret: string, params: Record<string, string> = {}) {
  return form(
    base,
    '/v1/oauth/token',
    { grant_type: 'client_credentials', ...params },
    { authorization: basic(id, secret) },
  );
}

function exchange(base: string, id: string, secret: string, subject: string, params: Record<string, string>) {
  return form(
    base,
    '/v1/oauth/token',
    { grant_type: EXCHANGE, subject_token: subject, subject_token_type: ACCESS_TOKEN, ...params },
    { authorization: basic(id, secret) },
  );
}

function assertionSigner(key: TesseraKey, clientId: string, audience = TOKEN_ENDPOINT) {
  return createSigner({ key, issuer: clientId, audience, ttl: 60, typ: 'JWT' });
}

for (const backend of backends) {
  describe(`OAuth clients and token exchange (${backend.name})`, () => {
    let s: TestServer;
    let admin: string;
    let dispose: () => Promise<void>;
    let offsetMs = 0;
    const clock = { now: () => Date.now() + offsetMs };

    before(async () => {
      const db = await backend.open();
      dispose = db.dispose;
      s = await startTestServer({
        clock,
        env: {
          TESSERA_BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL,
          TESSERA_BOOTSTRAP_ADMIN_PASSWORD: GOOD_PASSWORD,
          TESSERA_AUDIENCES: 'gateway,orders,billing',
          TESSERA_LOG_LEVEL: 'warn',
          ...db.env,
        },
      });
      admin = await adminToken(s.url);
    });
    after(async () => {
      await s.stop(true);
      await dispose();
    });

    test('clients: created with free scopes and grant types, secret shown once, rotated, deleted', async () => {
      const c = await createClient(s.url, admin, {
        scopes: ['orders:read', 'orders:write'],
        audiences: ['orders'],
        grant_types: ['client_credentials', EXCHANGE],
      });
      assert.match(c.secret, /^tcs_/);
      assert.deepEqual(c.body.grant_types, ['client_credentials', EXCHANGE]);
      assert.equal(c.body.token_endpoint_auth_method, 'client_secret_basic');
      const list = await request(s.url, 'GET', '/v1/admin/clients', { token: admin });
      assert.ok(list.body.clients.some((x: { client_id: string }) => x.client_id === c.id));
      assert.ok(!list.text.includes(c.secret), 'never listed again');
      assert.ok(!list.text.includes('sha256:'), 'nor its hash');

      const ok = await clientToken(s.url, c.id, c.secret, { scope: 'orders:read' });
      assert.equal(ok.status, 200, ok.text);
      const payload = claimsOf(ok.body.access_token);
      assert.equal(payload.client_id, c.id);
      assert.equal(payload.sub, c.id);
      assert.equal(payload.scope, 'orders:read');
      assert.equal(payload.sid, undefined);

      const rotated = await request(s.url, 'POST', `/v1/admin/clients/${c.id}/secret`, { token: admin });
      assert.equal(rotated.status, 200);
      assert.notEqual(rotated.body.client_secret, c.secret);
      assert.equal((await clientToken(s.url, c.id, c.secret)).status, 401, 'the old secret stops working');
      assert.equal((await clientToken(s.url, c.id, rotated.body.client_secret)).status, 200);

      const patched = await request(s.url, 'PATCH', `/v1/admin/clients/${c.id}`, {
        token: admin,
        body: { name: 'orders-svc', grant_types: [EXCHANGE] },
      });
      assert.equal(patched.status, 200, patched.text);
      assert.equal(patched.body.name, 'orders-svc');
      const refused = await clientToken(s.url, c.id, rotated.body.client_secret);
      assert.equal(refused.status, 400);
      assert.equal(refused.body.error, 'unauthorized_client');

      assert.equal(
        (await request(s.url, 'DELETE', `/v1/admin/clients/${c.id}`, { token: admin })).status,
        204,
      );
      assert.equal(
        (await request(s.url, 'DELETE', `/v1/admin/clients/${c.id}`, { token: admin })).status,
        404,
      );
      assert.equal((await clientToken(s.url, c.id, rotated.body.client_secret)).status, 401);
    });

    test('clients: bad settings are 400 naming the field', async () => {
      for (const [body, field] of [
        [{ grant_types: ['password'] }, /grant_types/],
        [{ scopes: ['has space'] }, /scopes/],
        [{ token_endpoint_auth_method: 'none' }, /token_endpoint_auth_method/],
        [{ token_endpoint_auth_method: 'private_key_jwt' }, /jwks or jwks_uri/],
        [
          { jwks: { keys: [{ kty: 'oct', k: 'AAAA' }] }, token_endpoint_auth_method: 'private_key_jwt' },
          /public keys only/,
        ],
        [{ jwks_uri: 'https://keys.example.com/jwks.json' }, /private_key_jwt/],
      ] as const) {
        const res = await request(s.url, 'POST', '/v1/admin/clients', {
          token: admin,
          body: { name: 'x', ...body },
        });
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.match(res.body.error_description, field);
      }
    });

    test('a service token is refused where a user token is expected, and the reverse', async () => {
      // a client allowed the auth server's own audience: the audience matches, the kind does not
      const c = await createClient(s.url, admin, { audiences: ['tessera'] });
      const svc = (await clientToken(s.url, c.id, c.secret)).body.access_token;
      assert.equal(claimsOf(svc).aud, 'tessera');
      for (const path of ['/v1/me', '/v1/sessions']) {
        const res = await request(s.url, 'GET', path, { token: svc });
        assert.equal(res.status, 401, path);
        assert.match(res.headers.get('www-authenticate') ?? '', /invalid_token/);
      }
      // a user token is no client credential at the client-only token endpoint
      const u = await createUser(s.url, admin);
      const asClient = await request(s.url, 'POST', '/v1/oauth/token', {
        body: 'grant_type=client_credentials',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Bearer ${u.accessToken}`,
        },
      });
      assert.equal(asClient.status, 401);
      assert.equal(asClient.body.error, 'invalid_client');
      // nor can a service token be exchanged as if it were a user's
      const x = await createClient(s.url, admin, { audiences: ['orders'], grant_types: [EXCHANGE] });
      const res = await exchange(s.url, x.id, x.secret, svc, { audience: 'orders' });
      assert.equal(res.status, 400);
      assert.equal(res.body.error, 'invalid_grant');
    });

    for (const how of ['disabled', 'deleted'] as const) {
      test(`a ${how} client's live token is refused at introspection, on the feed and by @tessera/verify`, async () => {
        const feedClient = await createClient(s.url, admin, { scopes: ['revocations:read', 'introspect'] });
        const c = await createClient(s.url, admin, { audiences: ['orders'] });
        const token = (await clientToken(s.url, c.id, c.secret)).body.access_token as string;
        const verifier = createRemoteVerifier({
          issuer: TEST_ISSUER,
          jwksUri: `${s.url}/.well-known/jwks.json`,
          audience: 'orders',
          revocations: {
            clientId: feedClient.id,
            clientSecret: feedClient.secret,
            url: `${s.url}/v1/revocations`,
            transport: 'poll',
            pollIntervalMs: 100,
          },
        });
        try {
          await verifier.ready();
          assert.equal(verifier.verify(token).payload.sub, c.id);
          const introspect = () =>
            form(
              s.url,
              '/v1/oauth/introspect',
              { token },
              { authorization: basic(feedClient.id, feedClient.secret) },
            );
          assert.equal((await introspect()).body.active, true);

          const res =
            how === 'disabled'
              ? await request(s.url, 'PATCH', `/v1/admin/clients/${c.id}`, {
                  token: admin,
                  body: { disabled: true },
                })
              : await request(s.url, 'DELETE', `/v1/admin/clients/${c.id}`, { token: admin });
          assert.ok(res.status === 200 || res.status === 204, res.text);

          assert.deepEqual((await introspect()).body, { active: false });
          const feed = await request(s.url, 'GET', '/v1/revocations', {
            headers: { authorization: basic(feedClient.id, feedClient.secret) },
          });
          assert.ok(
            feed.body.revocations.some(
              (r: { type: string; value: string }) => r.type === 'sub' && r.value === c.id,
            ),
            'a sub entry for the client is on the feed',
          );
          const deadline = Date.now() + 5000;
          for (;;) {
            try {
              verifier.verify(token);
            } catch (err) {
              assert.equal((err as { code?: string }).code, 'ERR_JWT_REVOKED');
              break;
            }
            assert.ok(Date.now() < deadline, 'the verifier refuses the token within 5 s');
            await new Promise((r) => setTimeout(r, 50));
          }
          assert.equal((await clientToken(s.url, c.id, c.secret)).status, 401);
        } finally {
          verifier.close();
        }
      });
    }

    describe('private_key_jwt (RFC 7523)', () => {
      let key: TesseraKey;
      let clientId: string;
      before(async () => {
        key = generateKey('ES256', { kid: 'svc-1' });
        const c = await createClient(s.url, admin, {
          audiences: ['orders'],
          token_endpoint_auth_method: 'private_key_jwt',
          jwks: { keys: [exportJwk(key)] },
        });
        assert.equal(c.body.client_secret, undefined, 'no secret for a key-authenticated client');
        clientId = c.id;
      });
      const withAssertion = (assertion: string, extra: Record<string, string> = {}) =>
        form(s.url, '/v1/oauth/token', {
          grant_type: 'client_credentials',
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: assertion,
          ...extra,
        });

      test('a fresh assertion authenticates; replaying it is refused', async () => {
        const assertion = assertionSigner(key, clientId)({ sub: clientId });
        const first = await withAssertion(assertion);
        assert.equal(first.status, 200, first.text);
        assert.equal(claimsOf(first.body.access_token).client_id, clientId);
        const replay = await withAssertion(assertion);
        assert.equal(replay.status, 401);
        assert.equal(replay.body.error, 'invalid_client');
        // a second, new assertion works (the jti is what is single-use)
        assert.equal((await withAssertion(assertionSigner(key, clientId)({ sub: clientId }))).status, 200);
      });

      test('foreign-signed, wrong audience, wrong sub, long-lived or secret-based attempts are refused', async () => {
        const attacker = generateKey('ES256', { kid: 'svc-1' }); // same kid, other key
        const attempts = [
          assertionSigner(attacker, clientId)({ sub: clientId }),
          assertionSigner(key, clientId, 'https://other-server.example.com/token')({ sub: clientId }),
          assertionSigner(key, clientId)({ sub: 'c_someone_else' }),
          createSigner({ key, issuer: clientId, audience: TOKEN_ENDPOINT, ttl: 3600, typ: 'JWT' })({
            sub: clientId,
          }),
        ];
        for (const assertion of attempts) {
          const res = await withAssertion(assertion);
          assert.equal(res.status, 401, res.text);
          assert.equal(res.body.error, 'invalid_client');
        }
        const named = await withAssertion(assertionSigner(key, clientId)({ sub: clientId }), {
          client_id: 'c_other',
        });
        assert.equal(named.status, 401);
        const secret = await clientToken(s.url, clientId, 'tcs_guess');
        assert.equal(secret.status, 401);
        assert.equal(
          (await request(s.url, 'POST', `/v1/admin/clients/${clientId}/secret`, { token: admin })).status,
          400,
        );
      });

      test('keys from a registered JWKS URL', async () => {
        const remoteKey = generateKey('EdDSA', { kid: 'remote-1' });
        const jwksServer: Server = createServer((_req, res) => {
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ keys: [exportJwk(remoteKey)] }));
        });
        await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
        try {
          const port = (jwksServer.address() as AddressInfo).port;
          const c = await createClient(s.url, admin, {
            audiences: ['orders'],
            token_endpoint_auth_method: 'private_key_jwt',
            jwks_uri: `http://127.0.0.1:${port}/jwks.json`,
          });
          const ok = await withAssertion(assertionSigner(remoteKey, c.id)({ sub: c.id }));
          assert.equal(ok.status, 200, ok.text);
          const foreign = await withAssertion(
            assertionSigner(generateKey('EdDSA', { kid: 'remote-1' }), c.id)({ sub: c.id }),
          );
          assert.equal(foreign.status, 401);
        } finally {
          jwksServer.close();
        }
      });
    });

    describe('token exchange (RFC 8693)', () => {
      let gateway: { id: string; secret: string };
      let orders: { id: string; secret: string };
      let jwks: ReturnType<typeof importJwks>;
      before(async () => {
        gateway = await createClient(s.url, admin, {
          name: 'gateway',
          audiences: ['orders'],
          scopes: ['orders:read', 'orders:write'],
          grant_types: [EXCHANGE],
        });
        orders = await createClient(s.url, admin, {
          name: 'orders',
          audiences: ['billing'],
          scopes: ['orders:read', 'orders:write', 'billing:charge'],
          grant_types: [EXCHANGE],
        });
        jwks = importJwks((await request(s.url, 'GET', '/.well-known/jwks.json')).body, {
          algorithms: ['ES256'],
        });
      });
      const verifierFor = (audience: string) =>
        createVerifier({ keys: jwks, algorithms: ['ES256'], issuer: TEST_ISSUER, audience });

      /** A user signed in for the gateway API (same session as the plain login). */
      async function gatewayUser() {
        const u = await createUser(s.url, admin);
        const res = await request(s.url, 'POST', '/v1/auth/refresh', {
          body: { refresh_token: u.refreshToken, resource: 'gateway' },
        });
        assert.equal(res.status, 200, res.text);
        return {
          ...u,
          gatewayToken: res.body.access_token as string,
          refreshToken: res.body.refresh_token as string,
        };
      }

      test('the valid path: target audience, same sub and sid, act names the client, exp within the subject', async () => {
        const u = await gatewayUser();
        const res = await exchange(s.url, gateway.id, gateway.secret, u.gatewayToken, {
          audience: 'orders',
          scope: 'orders:read',
        });
        assert.equal(res.status, 200, res.text);
        assert.equal(res.body.issued_token_type, ACCESS_TOKEN);
        assert.equal(res.body.token_type, 'Bearer');
        assert.equal(res.body.scope, 'orders:read');
        assert.equal(res.headers.get('cache-control'), 'no-store');
        const subject = claimsOf(u.gatewayToken);
        const { payload } = verifierFor('orders')(res.body.access_token);
        assert.equal(payload.sub, u.id);
        assert.equal(payload.sid, subject.sid);
        assert.deepEqual(payload.act, { sub: gateway.id });
        assert.equal(payload.scope, 'orders:read');
        assert.equal(payload.client_id, undefined, 'still a user token, not a service token');
        assert.ok((payload.exp as number) <= (subject.exp as number));
        assert.throws(() => verifierFor('gateway')(res.body.access_token), { code: 'ERR_JWT_CLAIM_INVALID' });
        // a delegated token is not accepted by the auth server's own user API either
        assert.equal((await request(s.url, 'GET', '/v1/me', { token: res.body.access_token })).status, 401);
      });

      test('a chain nests act; an exchanged token cannot reach an audience its client may not ask for', async () => {
        const u = await gatewayUser();
        const first = await exchange(s.url, gateway.id, gateway.secret, u.gatewayToken, {
          audience: 'orders',
        });
        assert.equal(first.status, 200, first.text);
        const second = await exchange(s.url, orders.id, orders.secret, first.body.access_token, {
          audience: 'billing',
        });
        assert.equal(second.status, 200, second.text);
        const payload = claimsOf(second.body.access_token);
        assert.deepEqual(payload.act, { sub: orders.id, act: { sub: gateway.id } });
        assert.equal(payload.sub, u.id);
        for (const audience of ['gateway', 'tessera', 'orders']) {
          const wider = await exchange(s.url, orders.id, orders.secret, first.body.access_token, {
            audience,
          });
          assert.equal(wider.status, 400, audience);
          assert.equal(wider.body.error, 'invalid_target');
        }
        const two = await request(s.url, 'POST', '/v1/oauth/token', {
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: basic(gateway.id, gateway.secret),
          },
          body: new URLSearchParams([
            ['grant_type', EXCHANGE],
            ['subject_token', u.gatewayToken],
            ['subject_token_type', ACCESS_TOKEN],
            ['audience', 'orders'],
            ['audience', 'billing'],
          ]).toString(),
        });
        assert.equal(two.status, 400);
        assert.equal(two.body.error, 'invalid_target');
      });

      test('scope only narrows', async () => {
        const u = await gatewayUser();
        const notAllowed = await exchange(s.url, gateway.id, gateway.secret, u.gatewayToken, {
          audience: 'orders',
          scope: 'orders:read billing:charge',
        });
        assert.equal(notAllowed.status, 400);
        assert.equal(notAllowed.body.error, 'invalid_scope');
        const narrow = await exchange(s.url, gateway.id, gateway.secret, u.gatewayToken, {
          audience: 'orders',
          scope: 'orders:read',
        });
        assert.equal(narrow.status, 200);
        // the next hop may not widen what the previous one narrowed, even within its own scopes
        const wider = await exchange(s.url, orders.id, orders.secret, narrow.body.access_token, {
          audience: 'billing',
          scope: 'orders:write',
        });
        assert.equal(wider.status, 400);
        assert.equal(wider.body.error, 'invalid_scope');
        const same = await exchange(s.url, orders.id, orders.secret, narrow.body.access_token, {
          audience: 'billing',
        });
        assert.equal(same.status, 200);
        assert.equal(claimsOf(same.body.access_token).scope, 'orders:read');
      });

      test('refused: audience not allowed, revoked or forged subject, client without the grant, bad parameters', async () => {
        const u = await gatewayUser();
        const target = await exchange(s.url, gateway.id, gateway.secret, u.gatewayToken, {
          audience: 'billing',
        });
        assert.equal(target.status, 400);
        assert.equal(target.body.error, 'invalid_target');
        const forged = `${u.gatewayToken.slice(0, -6)}AAAAAA`;
        const bad = await exchange(s.url, gateway.id, gateway.secret, forged, { audience: 'orders' });
        assert.equal(bad.status, 400);
        assert.equal(bad.body.error, 'invalid_grant');
        const plain = await createClient(s.url, admin, { audiences: ['orders'] });
        const noGrant = await exchange(s.url, plain.id, plain.secret, u.gatewayToken, { audience: 'orders' });
        assert.equal(noGrant.status, 400);
        assert.equal(noGrant.body.error, 'unauthorized_client');
        const wrongType = await exchange(s.url, gateway.id, gateway.secret, u.gatewayToken, {
          audience: 'orders',
          subject_token_type: 'urn:ietf:params:oauth:token-type:refresh_token',
        });
        assert.equal(wrongType.status, 400);
        assert.equal(wrongType.body.error, 'invalid_request');
        const noClient = await form(s.url, '/v1/oauth/token', {
          grant_type: EXCHANGE,
          subject_token: u.gatewayToken,
          subject_token_type: ACCESS_TOKEN,
          audience: 'orders',
        });
        assert.equal(noClient.status, 401);
        // logout revokes the session: the subject token, and tokens exchanged from it, die with it
        const exchanged = await exchange(s.url, gateway.id, gateway.secret, u.gatewayToken, {
          audience: 'orders',
        });
        assert.equal(exchanged.status, 200);
        const logout = await request(s.url, 'POST', '/v1/auth/logout', {
          body: { refresh_token: u.refreshToken },
        });
        assert.equal(logout.status, 204);
        const revoked = await exchange(s.url, gateway.id, gateway.secret, u.gatewayToken, {
          audience: 'orders',
        });
        assert.equal(revoked.status, 400);
        assert.equal(revoked.body.error, 'invalid_grant');
        const introspected = await form(
          s.url,
          '/v1/oauth/introspect',
          { token: exchanged.body.access_token },
          { authorization: `Bearer ${admin}` },
        );
        assert.deepEqual(introspected.body, { active: false });
      });

      test('an expired subject token is refused, and no exchanged token outlives its subject', async () => {
        const u = await gatewayUser();
        offsetMs = 14 * 60_000; // one minute left on the subject token
        try {
          const late = await exchange(s.url, gateway.id, gateway.secret, u.gatewayToken, {
            audience: 'orders',
          });
          assert.equal(late.status, 200, late.text);
          assert.ok(late.body.expires_in <= 61, `expires_in ${late.body.expires_in}`);
          assert.ok(
            (claimsOf(late.body.access_token).exp as number) <= (claimsOf(u.gatewayToken).exp as number),
          );
          offsetMs = 16 * 60_000;
          const expired = await exchange(s.url, gateway.id, gateway.secret, u.gatewayToken, {
            audience: 'orders',
          });
          assert.equal(expired.status, 400);
          assert.equal(expired.body.error, 'invalid_grant');
        } finally {
          offsetMs = 0;
        }
      });
    });
  });
}

describe('authorization server metadata (RFC 8414)', () => {
  let s: TestServer;
  before(async () => {
    s = await startOpsServer();
  });
  after(() => s.stop(true));

  test('validates, and lists every endpoint that exists and nothing that does not', async () => {
    const res = await request(s.url, 'GET', '/.well-known/oauth-authorization-server');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    const m = res.body;
    // RFC 8414 section 2: issuer (https or http URL, no query/fragment) and response_types_supported
    assert.equal(m.issuer, TEST_ISSUER);
    assert.ok(Array.isArray(m.response_types_supported));
    assert.deepEqual(m.response_types_supported, [], 'no authorization endpoint');
    assert.equal(m.authorization_endpoint, undefined);
    for (const [name, value] of Object.entries(m)) {
      if (name.endsWith('_endpoint') || name === 'jwks_uri') {
        assert.equal(typeof value, 'string', name);
        assert.ok((value as string).startsWith(`${TEST_ISSUER}/`), name);
      } else if (name.endsWith('_supported')) {
        assert.ok(Array.isArray(value) && value.every((v) => typeof v === 'string'), name);
      }
    }
    assert.deepEqual(m.grant_types_supported, ['client_credentials', 'refresh_token', EXCHANGE]);
    assert.deepEqual(m.token_endpoint_auth_methods_supported, [
      'client_secret_basic',
      'client_secret_post',
      'private_key_jwt',
    ]);
    assert.ok(m.token_endpoint_auth_signing_alg_values_supported.includes('ES256'));
    assert.ok(!m.token_endpoint_auth_signing_alg_values_supported.some((a: string) => a.startsWith('HS')));
    // every endpoint exists on the server (by path; the issuer is a test name for this server)
    const local = (url: string) => `${s.url}${new URL(url).pathname}`;
    assert.equal((await fetch(local(m.jwks_uri))).status, 200);
    for (const name of ['token_endpoint', 'introspection_endpoint', 'revocation_endpoint']) {
      const r = await fetch(local(m[name]), { method: 'POST' });
      assert.ok([400, 401].includes(r.status), `${name}: ${r.status}`);
    }
    assert.equal((await fetch(local(m.revocation_feed_endpoint))).status, 401);
    // the OpenID document claims no ID tokens
    const oidc = (await request(s.url, 'GET', '/.well-known/openid-configuration')).body;
    assert.deepEqual(
      Object.keys(oidc).filter(
        (k) => k.startsWith('id_token') || k === 'userinfo_endpoint' || k === 'authorization_endpoint',
      ),
      [],
    );
    assert.equal(oidc.token_endpoint, m.token_endpoint);
  });
});
