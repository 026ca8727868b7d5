// Coverage-guided fuzzing of the token parser and verifier without native code: V8's precise block
// coverage (node:inspector) says which blocks of @tessera/core each input reached; inputs that reach
// a new block join the corpus and are mutated further (byte edits, splices, dictionary tokens). Same
// properties as the fast-check target: typed errors only, and only signed tokens verify.
// (Jazzer.js was the first choice; its prebuilt libFuzzer addon needs glibc 2.38 and older releases
// download binaries at install time, so this small engine stands in.)
import { Session } from 'node:inspector/promises';

// Loaded after coverage starts (below): V8 only reports blocks of code compiled while it collects.
let decodeToken;
let isTesseraError;

const DICTIONARY = [
  '.',
  '..',
  'eyJ',
  'eyJhbGciOiJub25lIn0',
  '"alg":"none"',
  '"kid":"',
  '"crit":["b64"]',
  '"b64":false',
  '"exp":',
  '"nbf":',
  '"iat":',
  '"aud":[',
  '"iss":',
  '=',
  '%',
  '\u0000',
  '{}',
  '[]',
  'null',
  '1e309',
  '-0',
  '"typ":"JWT"',
];

function rand(n) {
  return Math.floor(Math.random() * n);
}

function mutateOnce(input, corpus) {
  const i = rand(input.length + 1);
  switch (rand(7)) {
    case 0:
      return input.slice(0, i) + String.fromCharCode(rand(128)) + input.slice(i + 1);
    case 1:
      return input.slice(0, i) + DICTIONARY[rand(DICTIONARY.length)] + input.slice(i);
    case 2:
      return input.slice(0, i) + input.slice(i + 1 + rand(16));
    case 3: {
      const other = corpus[rand(corpus.length)];
      const j = rand(other.length + 1);
      return input.slice(0, i) + other.slice(j); // splice
    }
    case 4: {
      // re-encode one segment with an edit inside its decoded JSON
      const parts = input.split('.');
      const k = rand(parts.length);
      let text = Buffer.from(parts[k] ?? '', 'base64url').toString('latin1');
      const at = rand(text.length + 1);
      text = text.slice(0, at) + DICTIONARY[rand(DICTIONARY.length)] + text.slice(at);
      parts[k] = Buffer.from(text, 'latin1').toString('base64url');
      return parts.join('.');
    }
    case 5:
      return input.slice(0, i) + input.slice(i, i + 1 + rand(30)).repeat(1 + rand(3)) + input.slice(i);
    default: {
      const c = input.charCodeAt(i) || 65;
      return input.slice(0, i) + String.fromCharCode(c ^ (1 << rand(7))) + input.slice(i + 1);
    }
  }
}

function runOne(ctx, originals, input) {
  try {
    decodeToken(input);
  } catch (err) {
    if (!isTesseraError(err)) throw err;
  }
  let verified = false;
  try {
    ctx.verify(input);
    verified = true;
  } catch (err) {
    if (!isTesseraError(err)) throw err;
  }
  if (verified && !originals.has(input)) throw new Error('a token that was never signed verified');
}

export async function coverageGuidedTarget(seconds) {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
  ({ decodeToken, isTesseraError } = await import('@tessera/core'));
  const ctx = (await import('../lib/tokens.mjs')).setup();
  const originals = new Set(ctx.valid);
  const seen = new Set();
  /** Blocks of @tessera/core reached since the last call (callCount mode resets the counters). */
  async function newBlocks() {
    const { result } = await session.post('Profiler.takePreciseCoverage');
    let fresh = 0;
    for (const script of result) {
      if (!script.url.includes('/packages/core/dist/src/')) continue;
      for (const fn of script.functions) {
        for (const range of fn.ranges) {
          if (range.count === 0) continue;
          const id = `${script.url}:${range.startOffset}:${range.endOffset}`;
          if (!seen.has(id)) {
            seen.add(id);
            fresh += 1;
          }
        }
      }
    }
    return fresh;
  }

  const corpus = [...ctx.valid, 'a.b.c', ''];
  const failures = [];
  let executions = 0;
  const deadline = Date.now() + seconds * 1000;
  try {
    for (const input of corpus) runOne(ctx, originals, input);
    await newBlocks();
    while (Date.now() < deadline && failures.length === 0) {
      const parent = corpus[rand(corpus.length)];
      let input = parent;
      for (let k = 1 + rand(4); k > 0; k -= 1) input = mutateOnce(input, corpus);
      if (input.length > 4096) input = input.slice(0, 4096);
      executions += 1;
      try {
        runOne(ctx, originals, input);
      } catch (err) {
        failures.push({
          target: 'coverage-guided',
          input,
          error: `${err?.name}: ${err?.message}`.slice(0, 500),
        });
        break;
      }
      if ((await newBlocks()) > 0) corpus.push(input);
    }
  } finally {
    await session.post('Profiler.stopPreciseCoverage').catch(() => {});
    session.disconnect();
  }
  return { executions, corpus: corpus.length, blocks: seen.size, failures };
}
