// Password strength estimation with zxcvbn-ts: it models how attackers guess (common passwords,
// names, words, keyboard walks, dates, repeats, l33t) and scores 0-4 by estimated guesses.
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';

/** Score 3 = about 10^10 guesses or more: out of reach online and costly offline behind Argon2id. */
export const MIN_STRENGTH_SCORE = 3;
/**
 * zxcvbn's matching is superlinear in length and in l33t substitutions: an adversarial 256-character
 * password took over a second of CPU. The first 64 characters decide (a longer password whose first
 * 64 are weak is still weak), and l33t variants are capped; the worst case measured is ~30 ms.
 */
const ANALYSED_LENGTH = 64;
const L33T_MAX_SUBSTITUTIONS = 8;

let factory: ZxcvbnFactory | undefined;

function estimator(): ZxcvbnFactory {
  // Built on first use: loading the dictionaries takes about half a second.
  factory ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
    l33tMaxSubstitutions: L33T_MAX_SUBSTITUTIONS,
    maxLength: ANALYSED_LENGTH,
  });
  return factory;
}

export interface StrengthEstimate {
  /** 0 (guessable in a few tries) to 4 (very unguessable). */
  score: number;
  /** zxcvbn's reason, in English, when there is one ("This is a top-10 common password."). */
  warning: string | undefined;
}

/** `userInputs` are words specific to this user and site (email parts, product name). */
export function estimateStrength(password: string, userInputs: string[]): StrengthEstimate {
  const result = estimator().check(password.slice(0, ANALYSED_LENGTH), userInputs);
  const warning = result.feedback.warning ?? undefined;
  return { score: result.score, warning: warning || undefined };
}
