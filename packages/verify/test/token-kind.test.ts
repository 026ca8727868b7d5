// RFC 8725 section 3.11 in every adapter, over real HTTP: a service token (client_credentials:
// client_id = sub, no sid) never passes where a user token is expected, nor the reverse; a token
// obtained by token exchange shows its actor in `auth.act`, and a route can require or refuse
// delegated tokens, or take them only from named services.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type AuthOptions, createRemoteVerifier, type RemoteVerifier } from '../src/index.js';
import { type App, builders } from './helpers/apps.js';
import { startIssuer, type TestIssuer } from './helpers/issuer.js';

async function me(app: App, token: string) {
  const res = await fetch(`${app.url}/me`, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  return {
    status: res.status,
    challenge: res.headers.get('www-authenticate'),
    body: text ? JSON.parse(text) : undefined,
  };
}

describe('token kinds and delegation', () => {
  let issuer: TestIssuer;
  let verifier: RemoteVerifier;
  let user: string;
  let service: string;
  let delegated: string;
  let chained: string;
  before(async () => {
    issuer = await startIssuer();
    verifier = createRemoteVerifier({ issuer: issuer.url, audience: issuer.audience });
    await verifier.ready();
    user = issuer.sign({ sub: 'u_1', sid: 's_1', roles: ['user'] });
    service = issuer.sign({ sub: 'c_billing', client_id: 'c_billing', scope: 'orders:read' });
    delegated = issuer.sign({ sub: 'u_1', sid: 's_1', roles: ['user'], act: { sub: 'c_gateway' } });
    chained = issuer.sign({ sub: 'u_1', sid: 's_1', act: { sub: 'c_orders', act: { sub: 'c_gateway' } } });
  });
  after(async () => {
    verifier.close();
    await issuer.close();
  });

  for (const [name, build] of Object.entries(builders)) {
    describe(name, () => {
      const apps: App[] = [];
      const codes: string[] = [];
      const start = async (options: AuthOptions) => {
        const app = await build(verifier, { ...options, onError: (_e, info) => codes.push(info.code) });
        apps.push(app);
        return app;
      };
      after(async () => {
        for (const app of apps) await app.close();
      });

      test('default: user tokens only; a service token is invalid_token', async () => {
        const app = await start({});
        const ok = await me(app, user);
        assert.equal(ok.status, 200);
        assert.equal(ok.body.act, undefined);
        const refused = await me(app, service);
        assert.equal(refused.status, 401);
        assert.match(refused.challenge ?? '', /invalid_token/);
        assert.equal(codes.at(-1), 'ERR_TOKEN_KIND_SERVICE');
      });

      test("tokenKind 'service' takes service tokens and refuses users'; 'any' takes both", async () => {
        const svc = await start({ tokenKind: 'service' });
        assert.equal((await me(svc, service)).status, 200);
        assert.equal((await me(svc, user)).status, 401);
        assert.equal(codes.at(-1), 'ERR_TOKEN_KIND_USER');
        const any = await start({ tokenKind: 'any' });
        assert.equal((await me(any, service)).status, 200);
        assert.equal((await me(any, user)).status, 200);
      });

      test('auth.act shows the actor chain; delegation can be required, refused or limited to actors', async () => {
        const allow = await start({});
        const seen = await me(allow, chained);
        assert.equal(seen.status, 200);
        assert.deepEqual(seen.body.act, { sub: 'c_orders', act: { sub: 'c_gateway' } });
        assert.equal(seen.body.sub, 'u_1');

        const require = await start({ delegation: 'require' });
        assert.equal((await me(require, delegated)).status, 200);
        assert.equal((await me(require, user)).status, 401);
        assert.equal(codes.at(-1), 'ERR_TOKEN_NOT_DELEGATED');

        const refuse = await start({ delegation: 'refuse' });
        assert.equal((await me(refuse, user)).status, 200);
        assert.equal((await me(refuse, delegated)).status, 401);
        assert.equal(codes.at(-1), 'ERR_TOKEN_DELEGATED');

        const onlyGateway = await start({ delegation: 'require', allowedActors: ['c_gateway'] });
        assert.equal((await me(onlyGateway, delegated)).status, 200);
        // the immediate actor counts: a chain whose last hop is c_orders is not the gateway's
        assert.equal((await me(onlyGateway, chained)).status, 401);
        assert.equal(codes.at(-1), 'ERR_TOKEN_ACTOR');
      });
    });
  }
});
