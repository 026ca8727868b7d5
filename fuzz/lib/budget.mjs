// Runs a fast-check property again and again with fresh seeds until a time budget is spent, counting
// executions. A failure is shrunk by fast-check and reported with its seed and counterexample.
import fc from 'fast-check';

/**
 * @param {string} name
 * @param {fc.IAsyncPropertyWithHooks<unknown> | fc.IPropertyWithHooks<unknown>} property
 *   built with a predicate that calls `count()` once per execution
 * @param {{ seconds: number, counter: { n: number }, chunk?: number }} opts
 */
export async function runForBudget(name, property, opts) {
  const deadline = Date.now() + opts.seconds * 1000;
  const failures = [];
  let rounds = 0;
  while (Date.now() < deadline) {
    const seed = Math.floor(Math.random() * 0x7fffffff);
    const remaining = deadline - Date.now();
    const details = await fc.check(property, {
      seed,
      numRuns: opts.chunk ?? 500,
      interruptAfterTimeLimit: Math.max(remaining, 1),
      markInterruptAsFailure: false,
      endOnFailure: false,
    });
    rounds += 1;
    // fast-check counts a round that the time limit cut before its first run finished as failed,
    // with no counterexample: that is the budget running out, not a finding.
    if (details.failed && details.interrupted && details.counterexample === null) break;
    if (details.failed) {
      failures.push({
        target: name,
        seed,
        path: details.counterexamplePath,
        counterexample: safeJson(details.counterexample),
        error: String(details.errorInstance ?? details.error).slice(0, 500),
      });
      break; // one finding per target per run: fix it, then fuzz on
    }
  }
  return { executions: opts.counter.n, rounds, failures };
}

export function safeJson(value) {
  try {
    return JSON.parse(
      JSON.stringify(value, (_k, v) => {
        if (typeof v === 'bigint') return `${v}n`;
        if (v instanceof Uint8Array) return `bytes:${Buffer.from(v).toString('base64')}`;
        return v;
      }),
    );
  } catch {
    return String(value);
  }
}
