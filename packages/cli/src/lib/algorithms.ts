// Parsing --alg: the closed list of core's Alg, matched case-insensitively; `none` never.
import { ALGORITHMS, type Alg } from '@tessera/core';
import { UsageError } from '../command.js';

export const isHmac = (alg: Alg): boolean => alg.startsWith('HS');

/** One algorithm name, checked against the list. `none` gets its own answer. */
export function parseAlg(value: string, option = '--alg'): Alg {
  const alg =
    ALGORITHMS.find((a) => a === value) ?? ALGORITHMS.find((a) => a.toLowerCase() === value.toLowerCase());
  if (alg !== undefined) return alg;
  if (value.toLowerCase() === 'none') throw new UsageError(`${option} none is never accepted`);
  throw new UsageError(`${option}: unknown algorithm '${value}' (one of ${ALGORITHMS.join(', ')})`);
}

/** A comma-separated list, e.g. `ES256,RS256`; duplicates are dropped. */
export function parseAlgList(value: string, option = '--alg'): Alg[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0) throw new UsageError(`${option} needs at least one algorithm`);
  return [...new Set(names.map((n) => parseAlg(n, option)))];
}
