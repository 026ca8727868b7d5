import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { generateRecoveryCodes, hashRecoveryCode, normalizeRecoveryCode } from './recovery-codes.js';

describe('recovery codes', () => {
  test('ten distinct codes of 24 symbols from a 32-symbol alphabet: 120 bits, enough for a fast hash', () => {
    const codes = generateRecoveryCodes();
    assert.equal(codes.length, 10);
    assert.equal(new Set(codes).size, 10);
    for (const code of codes) {
      assert.match(code, /^[A-HJ-NP-Z2-9]{4}(-[A-HJ-NP-Z2-9]{4}){5}$/);
      const bits = code.replace(/-/g, '').length * Math.log2(32);
      assert.ok(bits >= 112, `${bits} bits`);
    }
  });

  test('typed codes are normalised; look-alikes, wrong lengths and other symbols are not codes', () => {
    const [code] = generateRecoveryCodes(1) as [string];
    const bare = code.replace(/-/g, '');
    assert.equal(normalizeRecoveryCode(code.toLowerCase()), bare);
    assert.equal(normalizeRecoveryCode(` ${code.replace(/-/g, ' ')} `), bare);
    assert.equal(normalizeRecoveryCode(bare.slice(1)), undefined);
    assert.equal(normalizeRecoveryCode(`0${bare.slice(1)}`), undefined, '0 is not in the alphabet');
    // codes of the earlier, 16-symbol format keep working until the user makes new ones
    assert.equal(normalizeRecoveryCode('ABCD-EFGH-JKLM-NPQR'), 'ABCDEFGHJKLMNPQR');
  });

  test('the hash binds the code to its user', () => {
    const n = normalizeRecoveryCode(generateRecoveryCodes(1)[0] as string) as string;
    assert.notEqual(hashRecoveryCode('u_a', n), hashRecoveryCode('u_b', n));
    assert.equal(hashRecoveryCode('u_a', n), hashRecoveryCode('u_a', n));
  });
});
