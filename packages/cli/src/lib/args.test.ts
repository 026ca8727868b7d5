import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UsageError } from '../command.js';
import { parseAlg, parseAlgList } from './algorithms.js';
import { onePositional, parseCount, parseOptions, required } from './args.js';
import { withoutTrailingNewline } from './input.js';

const usage = (fn: () => unknown, message: string) =>
  assert.throws(
    fn,
    (err: unknown) => err instanceof UsageError && err.exitCode === 2 && err.message === message,
  );

describe('argument parsing', () => {
  const options = { alg: { type: 'string' }, json: { type: 'boolean' } } as const;

  test('options, positionals and - for stdin', () => {
    const { values, positionals } = parseOptions(['-', '--alg', 'ES256', '--json'], options);
    assert.equal(values.alg, 'ES256');
    assert.equal(values.json, true);
    assert.deepEqual(positionals, ['-']);
  });

  test('parseArgs errors become short usage errors', () => {
    usage(() => parseOptions(['--nope'], options), 'unknown option --nope');
    usage(() => parseOptions(['--alg'], options), '--alg needs a value');
    usage(() => parseOptions(['--json=yes'], options), '--json does not take a value');
  });

  test('required, onePositional and parseCount', () => {
    usage(() => required(undefined, 'alg'), '--alg is required');
    assert.equal(required('x', 'alg'), 'x');
    usage(() => onePositional(['a', 'b'], 'token'), "unexpected argument 'b' (only one token is taken)");
    assert.equal(onePositional([], 'token'), undefined);
    usage(() => parseCount('1.5', 'bytes', 32), "--bytes must be a whole number, got '1.5'");
    assert.equal(parseCount(undefined, 'bytes', 32), 32);
  });

  test('algorithms: exact or case-insensitive names, lists, never none', () => {
    assert.equal(parseAlg('es256'), 'ES256');
    assert.equal(parseAlg('EdDSA'), 'EdDSA');
    assert.deepEqual(parseAlgList('ES256, RS256,ES256'), ['ES256', 'RS256']);
    usage(() => parseAlg('None'), '--alg none is never accepted');
    usage(() => parseAlgList(','), '--alg needs at least one algorithm');
    assert.throws(() => parseAlg('HS1'), /unknown algorithm 'HS1'/);
  });

  test('withoutTrailingNewline drops exactly one newline (LF or CRLF)', () => {
    assert.equal(withoutTrailingNewline(Buffer.from('abc\n')).toString(), 'abc');
    assert.equal(withoutTrailingNewline(Buffer.from('abc\r\n')).toString(), 'abc');
    assert.equal(withoutTrailingNewline(Buffer.from('abc\n\n')).toString(), 'abc\n');
    assert.equal(withoutTrailingNewline(Buffer.from('abc')).toString(), 'abc');
  });
});
