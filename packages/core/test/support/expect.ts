// Assertions on rejections: the thrown value is a TesseraError with one of the expected codes, and
// nothing the attacker sent (the token or its segments) is echoed back in the message.
import assert from 'node:assert/strict';
import { type ErrorCode, isTesseraError, type TesseraErrorLike } from './contract.js';

export interface RejectOptions {
  /** When given, err.claim must equal it. */
  claim?: string;
  /** Token to look for in the message and stack (defaults to the token verified). */
  secretText?: string[];
}

export function expectReject(
  verify: (token: string) => unknown,
  token: string,
  codes: ErrorCode | readonly ErrorCode[],
  opts: RejectOptions = {},
): TesseraErrorLike {
  const allowed: readonly ErrorCode[] = typeof codes === 'string' ? [codes] : codes;
  let caught: unknown;
  let result: unknown;
  try {
    result = verify(token);
  } catch (err) {
    caught = err;
  }
  if (caught === undefined) {
    assert.fail(`expected ${allowed.join('|')} but the token was accepted: ${JSON.stringify(result)}`);
  }
  assert.ok(isTesseraError(caught), `expected a TesseraError, got ${String(caught)}`);
  const err = caught;
  assert.ok(allowed.includes(err.code), `expected ${allowed.join('|')}, got ${err.code}: ${err.message}`);
  if (opts.claim !== undefined) assert.equal(err.claim, opts.claim, `claim on ${err.code}`);
  return err;
}

/** The error's message (and String(err)) contains neither the token nor any long segment of it. */
export function assertNoLeak(err: Error, token: string): void {
  const texts = [err.message, String(err)];
  const pieces = [token, ...token.split('.').filter((s) => s.length >= 16)];
  for (const text of texts) {
    for (const piece of pieces) {
      assert.ok(!text.includes(piece), `error text leaks token material: ${text.slice(0, 200)}`);
    }
  }
}
