import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ALG_INFO, ALGORITHMS, algorithmSet, assertAlg, isAlg } from './algorithms.js';

describe('algorithms', () => {
  test('thirteen algorithms, none of them none', () => {
    assert.equal(ALGORITHMS.length, 13);
    for (const bad of ['none', 'None', 'HS1', 'es256', '', 'toString', '__proto__', 'constructor'])
      assert.equal(isAlg(bad), false, bad);
    for (const alg of ALGORITHMS) assert.equal(ALG_INFO[alg].alg, alg);
  });

  test('option validation names the path', () => {
    assert.throws(() => assertAlg('none', 'opts.alg'), /opts\.alg/);
    assert.throws(() => algorithmSet('ES256', 'opts.algorithms'), /opts\.algorithms/);
    assert.throws(() => algorithmSet(['ES256', 'x'], 'opts.algorithms'), /opts\.algorithms\[1\]/);
    assert.deepEqual([...algorithmSet(['ES256', 'ES256', 'EdDSA'], 'a')], ['ES256', 'EdDSA']);
  });
});
