import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { extractToken, readCookie } from './extract.js';

const parts = (p: { authorization?: string | string[]; cookie?: string; url?: string }) => ({
  authorization: p.authorization,
  cookie: p.cookie,
  url: p.url,
});

describe('extractToken (RFC 6750 §2)', () => {
  test('Bearer scheme is case-insensitive and allows several spaces', () => {
    for (const h of [
      'Bearer abc.def.ghi',
      'bearer abc.def.ghi',
      'BEARER   abc.def.ghi',
      'Bearer abc.def.ghi  ',
    ]) {
      assert.deepEqual(extractToken(parts({ authorization: h })), {
        kind: 'token',
        token: 'abc.def.ghi',
        source: 'header',
      });
    }
  });

  test('no header, or another scheme, is "no token"', () => {
    assert.equal(extractToken(parts({})).kind, 'none');
    assert.equal(extractToken(parts({ authorization: 'Basic dXNlcjpwdw==' })).kind, 'none');
    assert.equal(extractToken(parts({ authorization: 'Bearerabc' })).kind, 'none');
  });

  test('a Bearer header without a well-formed token is invalid_request', () => {
    for (const h of ['Bearer', 'Bearer ', 'Bearer a b', 'Bearer a,b', 'Bearer x, Bearer y', 'Bearer\tabc']) {
      assert.equal(extractToken(parts({ authorization: h })).kind, 'invalid_request', h);
    }
  });

  test('the query parameter is ignored unless enabled', () => {
    assert.equal(extractToken(parts({ url: '/ws?access_token=abc' })).kind, 'none');
    assert.deepEqual(extractToken(parts({ url: '/ws?access_token=abc' }), { query: true }), {
      kind: 'token',
      token: 'abc',
      source: 'query',
    });
    assert.deepEqual(extractToken(parts({ url: '/ws?t=abc#frag' }), { query: 't' }), {
      kind: 'token',
      token: 'abc',
      source: 'query',
    });
  });

  test('header and query together, or a repeated query parameter, are refused', () => {
    const both = extractToken(parts({ authorization: 'Bearer abc', url: '/?access_token=abc' }), {
      query: true,
    });
    assert.equal(both.kind, 'invalid_request');
    const twice = extractToken(parts({ url: '/?access_token=a&access_token=b' }), { query: true });
    assert.equal(twice.kind, 'invalid_request');
    assert.equal(extractToken(parts({ url: '/?access_token=' }), { query: true }).kind, 'invalid_request');
  });

  test('the cookie is read only when named, and the header wins over it', () => {
    const cookie = 'theme=dark; at=tok.en.x; other=1';
    assert.equal(extractToken(parts({ cookie })).kind, 'none');
    assert.deepEqual(extractToken(parts({ cookie }), { cookie: 'at' }), {
      kind: 'token',
      token: 'tok.en.x',
      source: 'cookie',
    });
    assert.deepEqual(extractToken(parts({ cookie, authorization: 'Bearer hdr' }), { cookie: 'at' }), {
      kind: 'token',
      token: 'hdr',
      source: 'header',
    });
    assert.equal(extractToken(parts({ cookie: 'at=' }), { cookie: 'at' }).kind, 'none');
  });

  test('readCookie handles spacing, quotes and percent-encoding', () => {
    assert.equal(readCookie(' a = 1 ;b="two"; c=%41', 'b'), 'two');
    assert.equal(readCookie('a=1;c=%41', 'c'), 'A');
    assert.equal(readCookie('a=1', 'z'), undefined);
    assert.equal(readCookie(undefined, 'a'), undefined);
  });
});
