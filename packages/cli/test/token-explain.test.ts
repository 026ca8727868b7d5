import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { createSigner, exportJwks, generateKey } from '@tessera/core';
import { tempDir, tessera } from './helpers.js';

const tmp = tempDir();
after(() => tmp.remove());
const k1 = generateKey('ES256', { kid: 'k1' });
const k2 = generateKey('ES256', { kid: 'k2' });
const jwks = tmp.file('jwks.json', JSON.stringify(exportJwks([k1])));
const iss = 'https://auth.example.com';

interface Check {
  name: string;
  status: string;
  message: string;
  code?: string;
}
async function explain(token: string, ...extra: string[]) {
  const r = await tessera(['token', 'explain', token, '--jwks', jwks, '--alg', 'ES256', ...extra]);
  return r;
}
async function explainJson(token: string, ...extra: string[]) {
  const r = await explain(token, ...extra, '--json');
  return { code: r.code, out: JSON.parse(r.stdout) as { valid: boolean; code?: string; checks: Check[] } };
}
const byName = (checks: Check[], name: string) => checks.find((c) => c.name === name)!;

describe('tessera token explain', () => {
  test('a valid token: exit 0, every check passes or is informational', async () => {
    const token = createSigner({ key: k1, issuer: iss, audience: 'api' })({ sub: 'u1' });
    const { code, out } = await explainJson(token, '--iss', iss, '--aud', 'api');
    assert.equal(code, 0);
    assert.equal(out.valid, true);
    assert.deepEqual(
      out.checks.map((c) => c.name),
      ['structure', 'alg', 'header', 'kid', 'signature', 'exp', 'nbf', 'iat', 'iss', 'aud', 'ids'],
    );
    for (const c of out.checks)
      assert.ok(c.status === 'pass' || c.status === 'info', `${c.name}: ${c.message}`);
    const text = await explain(token, '--iss', iss, '--aud', 'api');
    assert.match(text.stdout, /^The token is valid: every check passed\./);
  });

  test('expired: says how long ago and when, exit 1', async () => {
    const token = createSigner({ key: k1, ttl: '5m', now: () => Date.now() - 8 * 60_000 })({ sub: 'u1' });
    const r = await explain(token);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /The token is NOT valid \(ERR_JWT_EXPIRED\)/);
    assert.match(r.stdout, /FAIL {2}exp +expired 3 minutes ago at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/);
  });

  test('wrong issuer and audience: says what was there and what was expected; all checks run', async () => {
    const token = createSigner({ key: k1, issuer: 'https://other.example', audience: ['web', 'mobile'] })({
      sub: 'u1',
    });
    const { code, out } = await explainJson(token, '--iss', iss, '--aud', 'api');
    assert.equal(code, 1);
    assert.equal(out.valid, false);
    assert.equal(out.code, 'ERR_JWT_CLAIM_INVALID');
    assert.equal(byName(out.checks, 'iss').message, `issuer was https://other.example, expected ${iss}`);
    assert.equal(byName(out.checks, 'aud').message, 'audience was web, mobile, expected api');
    assert.equal(byName(out.checks, 'signature').status, 'pass');
    assert.equal(byName(out.checks, 'exp').status, 'pass');
  });

  test('unknown kid: names the kid and the kids the key set has', async () => {
    const token = createSigner({ key: k2 })({ sub: 'u1' });
    const { code, out } = await explainJson(token);
    assert.equal(code, 1);
    assert.equal(out.code, 'ERR_JWKS_NO_MATCHING_KEY');
    const kid = byName(out.checks, 'kid');
    assert.equal(kid.status, 'fail');
    assert.equal(kid.message, 'signed by kid k2, which the key set lacks (it has k1)');
    assert.equal(byName(out.checks, 'signature').status, 'skip');
  });

  test('a tampered payload fails the signature check alone', async () => {
    const token = createSigner({ key: k1 })({ sub: 'u1', roles: ['user'] });
    const [h, , s] = token.split('.');
    const body = Buffer.from(
      JSON.stringify({ sub: 'u1', roles: ['admin'], exp: Math.floor(Date.now() / 1000) + 600 }),
    );
    const { code, out } = await explainJson(`${h}.${body.toString('base64url')}.${s}`);
    assert.equal(code, 1);
    assert.equal(out.code, 'ERR_JWS_SIGNATURE_INVALID');
    assert.deepEqual(
      out.checks.filter((c) => c.status === 'fail').map((c) => c.name),
      ['signature'],
    );
  });

  test('not yet valid and issued in the future are both reported', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = createSigner({ key: k1 })({ sub: 'u1', nbf: now + 600, iat: now + 600 });
    const { code, out } = await explainJson(token);
    assert.equal(code, 1);
    assert.match(byName(out.checks, 'nbf').message, /^not valid until .* \(in (9|10) minutes\)$/);
    assert.match(byName(out.checks, 'iat').message, /^issued in the future/);
  });

  test('an alg outside --alg is reported, and a malformed token skips the rest', async () => {
    const token = createSigner({ key: k1 })({ sub: 'u1' });
    const r = await tessera(['token', 'explain', token, '--jwks', jwks, '--alg', 'ES256,ES384', '--json']);
    assert.equal(JSON.parse(r.stdout).valid, true);
    const bad = await explainJson('abc.def');
    assert.equal(bad.code, 1);
    assert.equal(bad.out.code, 'ERR_JWT_MALFORMED');
    assert.equal(byName(bad.out.checks, 'structure').status, 'fail');
    assert.equal(byName(bad.out.checks, 'exp').status, 'skip');
  });

  test('reads the token from stdin and shares verify’s usage errors (exit 2)', async () => {
    const token = createSigner({ key: k1 })({ sub: 'u1' });
    const r = await tessera(['token', 'explain', '-', '--jwks', jwks, '--alg', 'ES256'], {
      stdin: `${token}\n`,
    });
    assert.equal(r.code, 0, r.stderr);
    const usage = await tessera(['token', 'explain', token, '--jwks', jwks]);
    assert.equal(usage.code, 2);
    assert.equal(usage.stderr.trim(), 'tessera: --alg is required');
  });
});
