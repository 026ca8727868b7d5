// @tessera/core/rules must load without node: modules (the console bundles it for browsers), and
// its per-claim rules must judge exactly like the verifier's checkClaims.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as rules from '../src/rules.js';

const srcDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');

/** Every module the entry reaches through runtime (non-type) imports, with its specifiers. */
function importGraph(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    const text = readFileSync(file, 'utf8');
    const specifiers = [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)].map(
      (m) => m[1]!,
    );
    seen.set(file, specifiers);
    for (const s of specifiers) if (s.startsWith('.')) queue.push(join(dirname(file), s));
  }
  return seen;
}

describe('@tessera/core/rules', () => {
  test('reaches no node: module and no package (compiled JavaScript, type imports erased)', () => {
    const graph = importGraph(join(srcDir, 'rules.js'));
    assert.ok(graph.size >= 6, `graph has ${graph.size} modules`);
    for (const [file, specifiers] of graph) {
      for (const s of specifiers)
        assert.ok(s.startsWith('./') || s.startsWith('../'), `${file} imports ${s}`);
    }
  });

  test('the per-claim rules fail where checkClaims fails, with the same code and claim', () => {
    const policy: rules.ClaimsPolicy = {
      issuer: new Set(['https://a']),
      audience: new Set(['api']),
      clockTolerance: 30,
      maxAge: undefined,
      requireExp: true,
      requiredClaims: [],
    };
    const now = 2_000_000;
    const cases: Record<string, unknown>[] = [
      { exp: now - 100, iss: 'https://a', aud: 'api' },
      { exp: now + 100, nbf: now + 100, iss: 'https://a', aud: 'api' },
      { exp: now + 100, iat: now + 100, iss: 'https://a', aud: 'api' },
      { exp: now + 100, iss: 'https://b', aud: 'api' },
      { exp: now + 100, iss: 'https://a', aud: ['web'] },
      { exp: now + 100, iss: 'https://a', aud: 'api', sub: 7 },
      { iss: 'https://a', aud: 'api' },
    ];
    const stepwise = (p: Record<string, unknown>) => {
      rules.checkExp(p.exp, policy, now);
      rules.checkNotBefore(p.nbf, policy, now);
      rules.checkIssuedAt(p.iat, policy, now);
      rules.checkIssuer(p.iss, policy);
      rules.checkAudience(p.aud, policy.audience!);
      rules.checkIdentityClaims(p);
      rules.checkRequiredClaims(p, policy);
    };
    const outcome = (f: () => void) => {
      try {
        f();
        return 'ok';
      } catch (err) {
        const e = err as { code: string; claim?: string };
        return `${e.code}:${e.claim}`;
      }
    };
    for (const p of cases) {
      const whole = outcome(() => rules.checkClaims(p, policy, now));
      assert.notEqual(whole, 'ok');
      assert.equal(
        outcome(() => stepwise(p)),
        whole,
      );
    }
  });
});
