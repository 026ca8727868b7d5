import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { JwtPayload } from '@tessera/core';
import { DenyList } from './deny-list.js';

const tok = (p: Record<string, unknown>) => p as JwtPayload;

describe('DenyList', () => {
  test('jti, sid and sub entries each revoke what they cover and nothing else', () => {
    const d = new DenyList();
    d.add({ type: 'jti', value: 'j1', iatBefore: null, exp: 2000 });
    d.add({ type: 'sid', value: 's1', iatBefore: null, exp: 2000 });
    d.add({ type: 'sub', value: 'u1', iatBefore: 1000, exp: 2000 });
    assert.equal(d.isRevoked(tok({ jti: 'j1', sid: 'sx', sub: 'ux', iat: 1 })), true);
    assert.equal(d.isRevoked(tok({ jti: 'jx', sid: 's1', sub: 'ux', iat: 1 })), true);
    assert.equal(d.isRevoked(tok({ jti: 'jx', sid: 'sx', sub: 'u1', iat: 999 })), true);
    assert.equal(
      d.isRevoked(tok({ jti: 'jx', sid: 'sx', sub: 'u1', iat: 1000 })),
      false,
      'issued after cut-off',
    );
    assert.equal(d.isRevoked(tok({ jti: 'jx', sid: 'sx', sub: 'u2', iat: 1 })), false);
    assert.equal(d.isRevoked(tok({ sub: 'u1' })), true, 'no iat: cannot prove it is newer');
    assert.equal(d.size, 3);
  });

  test('repeated sub entries keep the later cut-off', () => {
    const d = new DenyList();
    d.add({ type: 'sub', value: 'u1', iatBefore: 1000, exp: 2000 });
    d.add({ type: 'sub', value: 'u1', iatBefore: 500, exp: 1500 });
    assert.equal(d.isRevoked(tok({ sub: 'u1', iat: 900 })), true);
    assert.equal(d.size, 1);
  });

  test('prune drops entries past exp only', () => {
    const d = new DenyList();
    d.add({ type: 'jti', value: 'old', iatBefore: null, exp: 100 });
    d.add({ type: 'jti', value: 'new', iatBefore: null, exp: 300 });
    d.add({ type: 'sub', value: 'u', iatBefore: 50, exp: 100 });
    assert.equal(d.prune(200), 2);
    assert.equal(d.isRevoked(tok({ jti: 'old' })), false);
    assert.equal(d.isRevoked(tok({ jti: 'new' })), true);
  });
});
