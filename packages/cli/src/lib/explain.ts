// The engine of `tessera token explain`: decodes the token once, then runs every check on its
// own (structure, alg, header, kid, signature, exp, nbf, iat, iss, aud, ids) so the user sees all
// that is wrong at once, in words. The claims are core's explainClaims (the console's debugger
// uses it too); the verdict is core's createVerifier, so explain and verify agree.
import { type Alg, createVerifier, decodeToken, type KeySet, type TesseraKey } from '@tessera/core';
import { type Check, CLAIM_CHECKS, explainClaims, explainWords } from '@tessera/core/rules';
import { tesseraCode } from './token-result.js';

export type { Check, CheckStatus } from '@tessera/core/rules';
export interface Explanation {
  valid: boolean;
  code?: string;
  checks: Check[];
}
export interface ExplainInput {
  token: string;
  algorithms: readonly Alg[];
  keys: KeySet | TesseraKey;
  issuer?: string | undefined;
  audience?: string | undefined;
  clockTolerance: number;
  /** Seconds. */
  now: number;
}

const CHECKS = ['structure', 'alg', 'header', 'kid', 'signature', ...CLAIM_CHECKS];
const pass = (name: string, message: string): Check => ({ name, status: 'pass', message });
const fail = (name: string, code: string, message: string): Check => ({
  name,
  status: 'fail',
  message,
  code,
});

export function explainToken(input: ExplainInput): Explanation {
  const checks: Check[] = [];
  let decoded: ReturnType<typeof decodeToken>;
  try {
    decoded = decodeToken(input.token);
  } catch (err) {
    const code = tesseraCode(err) ?? 'ERR_JWT_MALFORMED';
    checks.push(fail('structure', code, `not a well-formed JWS compact token: ${(err as Error).message}`));
    for (const name of CHECKS.slice(1))
      checks.push({ name, status: 'skip', message: explainWords.notDecodable });
    return { valid: false, code, checks };
  }
  const { header, payload } = decoded;
  checks.push(pass('structure', explainWords.structureOk(input.token.length)));
  checks.push(checkAlg(header.alg, input.algorithms));
  checks.push(checkHeaderParams(header));
  const { check: kidCheck, key } = checkKid(header, input.keys);
  checks.push(kidCheck);
  checks.push(checkSignature(input.token, key));
  checks.push(
    ...explainClaims(payload, {
      issuer: input.issuer,
      audience: input.audience,
      clockTolerance: input.clockTolerance,
      now: input.now,
      unset: { iss: 'no --iss', aud: 'no --aud' },
    }),
  );
  return withVerdict(input, checks);
}

/** Runs core's verifier for the verdict; a failure no check explained is added as its own line. */
function withVerdict(input: ExplainInput, checks: Check[]): Explanation {
  try {
    createVerifier({
      keys: input.keys,
      algorithms: [...input.algorithms],
      clockTolerance: input.clockTolerance,
      now: () => input.now * 1000,
      ...(input.issuer === undefined ? {} : { issuer: input.issuer }),
      ...(input.audience === undefined ? {} : { audience: input.audience }),
    })(input.token);
    return { valid: true, checks };
  } catch (err) {
    const code = tesseraCode(err);
    if (code === undefined) throw err;
    if (!checks.some((c) => c.code === code)) checks.push(fail('verifier', code, (err as Error).message));
    return { valid: false, code, checks };
  }
}

function checkAlg(alg: unknown, allowed: readonly Alg[]): Check {
  if (typeof alg !== 'string') return fail('alg', 'ERR_JOSE_HEADER_INVALID', 'the header has no alg string');
  if (alg.toLowerCase() === 'none')
    return fail('alg', 'ERR_JOSE_ALG_NOT_ALLOWED', 'alg "none" is never accepted');
  if (allowed.includes(alg as Alg)) return pass('alg', `${alg} is allowed`);
  return fail(
    'alg',
    'ERR_JOSE_ALG_NOT_ALLOWED',
    `alg ${alg} is not allowed (allowed: ${allowed.join(', ')})`,
  );
}

function checkHeaderParams(header: Record<string, unknown>): Check {
  if (header.crit !== undefined) {
    return fail(
      'header',
      'ERR_JOSE_HEADER_INVALID',
      `crit names ${JSON.stringify(header.crit)}, which is not understood`,
    );
  }
  if (header.b64 !== undefined && header.b64 !== true) {
    return fail('header', 'ERR_JOSE_HEADER_INVALID', 'b64 (unencoded payload) is not supported');
  }
  if (header.typ !== undefined && typeof header.typ !== 'string') {
    return fail('header', 'ERR_JOSE_HEADER_INVALID', 'typ is not a string');
  }
  const ignored = ['jku', 'x5u', 'jwk', 'x5c'].filter((p) => header[p] !== undefined);
  const typ = typeof header.typ === 'string' ? `typ ${header.typ}` : 'no typ';
  const note = ignored.length > 0 ? `; ${ignored.join(', ')} present but never used to find a key` : '';
  return pass('header', `${typ}${note}`);
}

function listOf(keys: KeySet | TesseraKey): TesseraKey[] {
  return 'list' in keys && typeof keys.list === 'function' ? keys.list() : [keys as TesseraKey];
}

function checkKid(
  header: Record<string, unknown>,
  keys: KeySet | TesseraKey,
): { check: Check; key?: TesseraKey } {
  const all = listOf(keys);
  const kids = all.map((k) => k.kid).join(', ');
  const kid = header.kid;
  if (kid !== undefined && (typeof kid !== 'string' || kid === '')) {
    return { check: fail('kid', 'ERR_JOSE_HEADER_INVALID', 'kid is not a non-empty string') };
  }
  if (typeof kid === 'string') {
    const key = all.find((k) => k.kid === kid);
    if (key === undefined) {
      return {
        check: fail(
          'kid',
          'ERR_JWKS_NO_MATCHING_KEY',
          `signed by kid ${kid}, which the key set lacks (it has ${kids})`,
        ),
      };
    }
    if (key.alg !== header.alg) {
      const msg = explainWords.kidAlgMismatch(kid, key.alg, header.alg);
      return { check: fail('kid', 'ERR_JOSE_ALG_NOT_ALLOWED', msg), key };
    }
    const where = 'list' in keys ? 'which the key set has' : 'checked with the one key given';
    return { check: pass('kid', `signed by kid ${kid}, ${where} (${key.alg})`), key };
  }
  const candidates = all.filter((k) => k.alg === header.alg);
  if (candidates.length === 1) {
    return {
      check: pass(
        'kid',
        `no kid in the header; the one ${candidates[0]!.alg} key (kid ${candidates[0]!.kid}) is used`,
      ),
      key: candidates[0]!,
    };
  }
  const why =
    candidates.length === 0
      ? `no ${String(header.alg)} key among ${kids}`
      : `several ${String(header.alg)} keys match (${kids})`;
  return { check: fail('kid', 'ERR_JWKS_NO_MATCHING_KEY', `no kid in the header, and ${why}`) };
}

/** The signature alone, with core's verifier and every time check turned off. */
function checkSignature(token: string, key: TesseraKey | undefined): Check {
  if (key === undefined) return { name: 'signature', status: 'skip', message: explainWords.noKeyToCheck };
  try {
    const verifyOnly = createVerifier({
      keys: [key],
      algorithms: [key.alg],
      requireExp: false,
      clockTolerance: 1e12,
      maxTokenLength: Math.max(token.length, 1),
    });
    verifyOnly(token);
  } catch (err) {
    const code = tesseraCode(err);
    // Claim errors come after the signature check: reaching them means the signature held.
    if (code === 'ERR_JWS_SIGNATURE_INVALID') {
      return fail('signature', code, explainWords.signatureInvalid(key.kid));
    }
    if (code === undefined || !code.startsWith('ERR_JWT_')) {
      return { name: 'signature', status: 'skip', message: `not checked: ${(err as Error).message}` };
    }
  }
  return pass('signature', explainWords.signatureValid(key.alg, key.kid));
}
