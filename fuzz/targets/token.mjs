// Token parser and verifier (core's decodeToken and createVerifier) on random bytes, random strings,
// mutated valid tokens and attacker-shaped tokens. Properties:
// - they return or throw a TesseraError, nothing else (no TypeError, RangeError, crypto error...);
// - verify accepts only the exact tokens that were signed: no mutation of a valid token verifies.
import { decodeToken, isTesseraError } from '@tessera/core';
import fc from 'fast-check';
import { runForBudget } from '../lib/budget.mjs';
import { craftedTokenArb, editsArb, mutate, setup } from '../lib/tokens.mjs';

function expectTyped(fn) {
  try {
    return { ok: true, value: fn() };
  } catch (err) {
    if (isTesseraError(err)) return { ok: false, error: err };
    throw new Error(`untyped error: ${err?.name}: ${err?.message}`, { cause: err });
  }
}

export function tokenInputsArb(ctx) {
  return fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
    fc.tuple(fc.constantFrom(...ctx.valid), editsArb).map(([t, ops]) => mutate(t, ops)),
    fc.array(fc.base64String({ maxLength: 80 }), { minLength: 1, maxLength: 5 }).map((p) => p.join('.')),
    craftedTokenArb(ctx),
  );
}

export async function decodeTarget(seconds) {
  const ctx = setup();
  const counter = { n: 0 };
  const property = fc.property(tokenInputsArb(ctx), (input) => {
    counter.n += 1;
    expectTyped(() => decodeToken(input));
  });
  return runForBudget('token-decode', property, { seconds, counter });
}

export async function verifyTarget(seconds) {
  const ctx = setup();
  const originals = new Set(ctx.valid);
  for (const t of ctx.valid) ctx.verify(t); // every original verifies
  const counter = { n: 0 };
  const property = fc.property(tokenInputsArb(ctx), (input) => {
    counter.n += 1;
    const result = expectTyped(() => ctx.verify(input));
    if (result.ok && !originals.has(input)) {
      throw new Error('a token that was never signed verified');
    }
  });
  return runForBudget('token-verify', property, { seconds, counter });
}
