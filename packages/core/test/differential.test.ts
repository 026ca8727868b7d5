// Differential tests against `jose` (panva/jose v6, the reference implementation many of our users
// come from): random claims, algorithms, keys, clocks and tamperings are verified by Tessera and by
// jose.jwtVerify with the same key and policy, and both must agree on accept/reject (and on the
// payload when both accept). Cross-signing checks each side accepts the other's tokens.
//
// Where Tessera is deliberately stricter than jose, the generator leaves the case out on purpose:
// - exp is required by default: jose is given requiredClaims: ['exp'] (same policy, not excluded);
// - `iat` in the future beyond the tolerance is rejected by Tessera, jose only checks it under
//   maxTokenAge: generated iat values are clamped to now + tolerance;
// - `sub`, `jti`, `sid` must be strings and `aud` arrays must hold only strings in Tessera: those
//   claims are always well-typed here (app claims never use these names);
// - duplicate header names, `crit`, `b64`, non-string `typ`/`kid`, empty signatures, non-canonical
//   base64url and HS secrets under 32 bytes are never generated (JSON.stringify cannot duplicate
//   names, secrets are 64 bytes, and flips never touch a segment's last character, whose spare bits
//   jose's atob ignores);
// - NumericDates are never Infinity (JSON.stringify cannot produce 1e400; jose would accept it);
// - the clock is on whole seconds: jose floors the current time to seconds, Tessera does not.
// (maxAge is compared the same way in both, as packages/core/README.md documents it: expired when
// now > iat + maxAge + clockTolerance.)
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import * as jose from 'jose';
import {
  type Alg,
  createSigner,
  createVerifier,
  exportJwk,
  generateKey,
  importKey,
  publicKeyOf,
  type TesseraKey,
} from './support/contract.js';
import { parts, segment, signSegments } from './support/forge.js';
import { ALL_ALGS, rawPair } from './support/keys.js';

const NOW_S = 1_800_000_000;
const NOW_MS = NOW_S * 1000;
const ISSUERS = ['https://auth.example.com', 'https://Auth.example.com', 'https://other.example'];
const AUDIENCES = ['api.example.com', 'API.example.com', 'billing.example.com', 'ü.example'];
const REGISTERED = new Set(['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'sid']);
// Fixed seed and size: the suite is deterministic. Set TESSERA_DIFF_SEED / TESSERA_DIFF_RUNS to explore.
const RUNS = Number(process.env.TESSERA_DIFF_RUNS ?? 300);
const SEED = Number(process.env.TESSERA_DIFF_SEED ?? 20_261_123);

interface AlgKeys {
  /** Tessera-generated signing key (private, or the secret for HS*). */
  signing: TesseraKey;
  /** What both verifiers hold: its public half (or the same secret). */
  verifying: TesseraKey;
  /** A different key with the same kid and alg: "re-sign with a different key". */
  impostor: TesseraKey;
}

// Generated once per algorithm, not per run (RSA generation dominates otherwise).
const KEYS = new Map<Alg, AlgKeys>(
  ALL_ALGS.map((alg) => {
    const kid = `${alg.toLowerCase()}-diff`;
    const signing = generateKey(alg, { kid });
    const raw = rawPair(alg, 'impostor');
    const impostor = importKey(raw.secret ?? raw.privateKey, { alg, kid });
    // An HMAC key has no public half: both sides hold the same secret.
    const verifying = alg.startsWith('HS') ? signing : publicKeyOf(signing);
    return [alg, { signing, verifying, impostor }];
  }),
);
const keysOf = (alg: Alg): AlgKeys => KEYS.get(alg)!;
const signingObject = (key: TesseraKey) => key.keyObject;
const verifyingObject = (alg: Alg) => keysOf(alg).verifying.keyObject;

type Outcome = { ok: true; header: unknown; payload: unknown } | { ok: false; why: string; claim?: string };

function tesseraVerify(token: string, alg: Alg, policy: Policy): Outcome {
  const verify = createVerifier({
    keys: keysOf(alg).verifying,
    algorithms: policy.algorithms,
    issuer: policy.issuer,
    audience: policy.audience,
    clockTolerance: policy.clockTolerance,
    maxAge: policy.maxAge,
    typ: policy.typ,
    now: () => NOW_MS,
  });
  try {
    const { header, payload } = verify(token);
    return { ok: true, header, payload };
  } catch (err) {
    return { ok: false, why: String((err as { code?: string }).code ?? err) };
  }
}

async function joseVerify(token: string, alg: Alg, policy: Policy): Promise<Outcome> {
  try {
    const { protectedHeader, payload } = await jose.jwtVerify(token, verifyingObject(alg), {
      algorithms: policy.algorithms,
      issuer: policy.issuer,
      audience: policy.audience,
      clockTolerance: policy.clockTolerance,
      maxTokenAge: policy.maxAge,
      typ: policy.typ,
      currentDate: new Date(NOW_MS),
      requiredClaims: ['exp'],
    });
    return { ok: true, header: protectedHeader, payload };
  } catch (err) {
    const { code, claim } = err as { code?: string; claim?: string };
    return { ok: false, why: String(code ?? err), claim };
  }
}

const TESSERA_CLAIM_CODES = new Set(['ERR_JWT_EXPIRED', 'ERR_JWT_NOT_YET_VALID', 'ERR_JWT_CLAIM_INVALID']);
const JOSE_CLAIM_CODES = new Set(['ERR_JWT_EXPIRED', 'ERR_JWT_CLAIM_VALIDATION_FAILED']);

interface Policy {
  algorithms: Alg[];
  issuer?: string | string[];
  audience?: string | string[];
  clockTolerance: number;
  maxAge?: number;
  typ?: string;
}

// --- generators -------------------------------------------------------------------------------

const claimName = fc
  .oneof(
    { weight: 4, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'roles', 'scope', 'plan'),
    },
  )
  .filter((name) => !REGISTERED.has(name));
const claimValue = fc.jsonValue({ maxDepth: 3, stringUnit: 'grapheme' });
const appClaims = fc.dictionary(claimName, claimValue, { maxKeys: 6, noNullPrototype: true });

/** Offsets around now and around the tolerance boundaries, whole and half seconds, and far away. */
const offset = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -150, max: 150 }) },
  { weight: 1, arbitrary: fc.integer({ min: -300, max: 300 }).map((x) => x / 2) },
  { weight: 1, arbitrary: fc.integer({ min: -1e8, max: 1e8 }) },
);
/** A NumericDate near `bias` seconds from now, absent, or the wrong type (both must reject those). */
const numericDate = (bias: number, absentWeight: number) =>
  fc.oneof(
    { weight: 16, arbitrary: offset.map((o) => NOW_S + bias + o) },
    { weight: absentWeight, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(String(NOW_S + 60), null, true, [], {}) },
  );
/** Mostly the first value (so most tokens match the policy), sometimes another or none. */
const mostlyFirst = <T>(values: readonly T[]) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant(values[0]!) },
    { weight: 1, arbitrary: fc.constantFrom(...values) },
  );
const issuerClaim = fc.oneof(
  { weight: 12, arbitrary: mostlyFirst(ISSUERS) },
  { weight: 1, arbitrary: fc.constant(undefined) },
);
const audienceClaim = fc.oneof(
  { weight: 8, arbitrary: mostlyFirst(AUDIENCES) },
  { weight: 2, arbitrary: fc.subarray(AUDIENCES) },
  { weight: 1, arbitrary: fc.constant(undefined) },
);
const issuerOption = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 5, arbitrary: mostlyFirst(ISSUERS) },
  { weight: 1, arbitrary: fc.subarray(ISSUERS, { minLength: 1 }) },
);
const audienceOption = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 5, arbitrary: mostlyFirst(AUDIENCES) },
  { weight: 1, arbitrary: fc.subarray(AUDIENCES, { minLength: 1 }) },
);

type Tamper =
  | { kind: 'none' }
  | { kind: 'flip'; segment: 0 | 1 | 2; index: number }
  | { kind: 'swap'; segment: 0 | 1 | 2; donorAlg: Alg }
  | { kind: 'change-alg'; to: string }
  | { kind: 'strip-signature' }
  | { kind: 'drop-signature-segment' }
  | { kind: 'resign-other-key' };

const tamper: fc.Arbitrary<Tamper> = fc.oneof(
  { weight: 12, arbitrary: fc.constant({ kind: 'none' as const }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('flip' as const),
      segment: fc.constantFrom(0 as const, 1 as const, 2 as const),
      index: fc.nat(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('swap' as const),
      segment: fc.constantFrom(0 as const, 1 as const, 2 as const),
      donorAlg: fc.constantFrom(...ALL_ALGS),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('change-alg' as const),
      to: fc.constantFrom<string>(...ALL_ALGS, 'none'),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'strip-signature' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'drop-signature-segment' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'resign-other-key' as const }) },
);

const caseArb = fc.record({
  alg: fc.constantFrom(...ALL_ALGS),
  extraAlgs: fc.subarray([...ALL_ALGS]),
  app: appClaims,
  iss: issuerClaim,
  aud: audienceClaim,
  exp: numericDate(90, 1), // centred a minute ahead: both sides of the boundary, mostly valid
  nbf: numericDate(-60, 8),
  iat: numericDate(-60, 4),
  headerExtra: fc.option(fc.jsonValue({ maxDepth: 1 }), { nil: undefined }),
  typ: fc.oneof(
    { weight: 4, arbitrary: fc.constant('at+jwt') },
    {
      weight: 2,
      arbitrary: fc.constantFrom<string | undefined>(
        'AT+JWT',
        'application/at+jwt',
        'JWT',
        'application/jwt',
        undefined,
      ),
    },
  ),
  typOption: fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constantFrom('at+jwt', 'jwt', 'application/at+jwt') },
  ),
  maxAge: fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 600 }) },
  ),
  /** When maxAge is set: put iat this many seconds from the maxAge boundary instead. */
  iatNearMaxAge: fc.option(fc.integer({ min: -2, max: 2 }), { nil: undefined }),
  clockTolerance: fc.integer({ min: 0, max: 90 }),
  issuer: issuerOption,
  audience: audienceOption,
  signer: fc.constantFrom('raw' as const, 'jose' as const),
  tamper,
});
type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

// --- building and tampering tokens ------------------------------------------------------------

function payloadOf(c: Case): Record<string, unknown> {
  // Spread (not Object.assign) so a generated "__proto__" claim stays an own property.
  const payload: Record<string, unknown> = { ...c.app, sub: 'u1', jti: 'jti-diff', sid: 'sid-diff' };
  if (c.iss !== undefined) payload.iss = c.iss;
  if (c.aud !== undefined) payload.aud = c.aud;
  if (c.exp !== undefined) payload.exp = c.exp;
  if (c.nbf !== undefined) payload.nbf = c.nbf;
  if (c.maxAge !== undefined && c.iatNearMaxAge !== undefined) {
    payload.iat = NOW_S - c.maxAge - c.clockTolerance + c.iatNearMaxAge;
  } else if (c.iat !== undefined) {
    // Deliberately stricter in Tessera (see the top of the file): no iat beyond now + tolerance.
    payload.iat = typeof c.iat === 'number' ? Math.min(c.iat, NOW_S + c.clockTolerance) : c.iat;
  }
  return payload;
}

function headerOf(alg: Alg, extra: unknown, typ: string | undefined = 'at+jwt'): Record<string, unknown> {
  const header: Record<string, unknown> = { alg, kid: keysOf(alg).signing.kid };
  if (typ !== undefined) header.typ = typ;
  if (extra !== undefined) header['x-ext'] = extra;
  return header;
}

async function sign(
  signer: 'raw' | 'jose',
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: TesseraKey,
): Promise<string> {
  if (signer === 'raw') return signSegments(segment(header), segment(payload), key.alg, signingObject(key));
  return new jose.CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader(header as jose.CompactJWSHeaderParameters)
    .sign(signingObject(key));
}

const donors = new Map<Alg, string>();
async function donor(alg: Alg): Promise<string> {
  let token = donors.get(alg);
  if (token === undefined) {
    const payload = { sub: 'donor', exp: NOW_S + 600, iss: ISSUERS[0], aud: AUDIENCES[0] };
    token = await sign('raw', headerOf(alg, undefined), payload, keysOf(alg).signing);
    donors.set(alg, token);
  }
  return token;
}

/** Replaces one character, never a segment's last one (its spare bits may be ignored by decoders). */
function flip(token: string, which: 0 | 1 | 2, index: number): string {
  const segs = parts(token);
  const seg = segs[which];
  if (seg.length < 2) return token;
  const i = index % (seg.length - 1);
  segs[which] = seg.slice(0, i) + (seg[i] === 'A' ? 'B' : 'A') + seg.slice(i + 1);
  return segs.join('.');
}

async function applyTamper(
  token: string,
  c: Case,
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
) {
  const t = c.tamper;
  const [h, p] = parts(token);
  switch (t.kind) {
    case 'none':
      return token;
    case 'flip':
      return flip(token, t.segment, t.index);
    case 'swap': {
      const segs = parts(token);
      segs[t.segment] = parts(await donor(t.donorAlg))[t.segment];
      return segs.join('.');
    }
    case 'change-alg':
      return `${segment({ ...header, alg: t.to })}.${p}.${parts(token)[2]}`;
    case 'strip-signature':
      return `${h}.${p}.`;
    case 'drop-signature-segment':
      return `${h}.${p}`;
    case 'resign-other-key':
      return sign(c.signer, header, payload, keysOf(c.alg).impostor);
  }
}

const policyOf = (c: Case): Policy => ({
  algorithms: [...new Set<Alg>([c.alg, ...c.extraAlgs])],
  issuer: c.issuer,
  audience: c.audience,
  clockTolerance: c.clockTolerance,
  maxAge: c.maxAge,
  typ: c.typOption,
});

const describeCase = (token: string, c: Case, t: Outcome, j: Outcome) =>
  `tessera ${t.ok ? 'accepted' : `rejected (${t.ok === false ? t.why : ''})`}, jose ${
    j.ok ? 'accepted' : `rejected (${j.ok === false ? j.why : ''})`
  }\n  token ${token.slice(0, 60)}…\n  case ${JSON.stringify({ ...c, app: Object.keys(c.app) })}`;

// --- properties -------------------------------------------------------------------------------

describe('differential: Tessera and jose agree', () => {
  test(`random claims, algorithms, clocks and tamperings (${RUNS} runs)`, async () => {
    const tally = { accepted: 0, rejected: 0, tamperedAccepted: 0 };
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const header = headerOf(c.alg, c.headerExtra, c.typ);
        const payload = payloadOf(c);
        const honestToken = await sign(c.signer, header, payload, keysOf(c.alg).signing);
        const token = await applyTamper(honestToken, c, header, payload);
        const policy = policyOf(c);
        const t = tesseraVerify(token, c.alg, policy);
        const j = await joseVerify(token, c.alg, policy);
        assert.equal(t.ok, j.ok, describeCase(token, c, t, j));
        // Both check the signature before any claim: a claim verdict from one side means the
        // signature was good, so the other side must also have got as far as the claims.
        // (Except `typ`: a header, checked up front by Tessera, with the claims by jose.)
        if (!t.ok && !j.ok && j.claim !== 'typ') {
          assert.equal(
            TESSERA_CLAIM_CODES.has(t.why),
            JOSE_CLAIM_CODES.has(j.why),
            describeCase(token, c, t, j),
          );
          if (t.why === 'ERR_JWS_SIGNATURE_INVALID')
            assert.equal(j.why, 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
        }
        if (t.ok && j.ok) {
          assert.deepStrictEqual(t.payload, j.payload);
          assert.deepStrictEqual({ ...(t.header as object) }, j.header);
          tally.accepted++;
          if (token !== honestToken) tally.tamperedAccepted++;
        } else {
          tally.rejected++;
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
    // The generator must exercise both verdicts, or agreement would prove little.
    assert.ok(tally.accepted >= RUNS / 10, `accepted ${tally.accepted}/${RUNS}`);
    assert.ok(tally.rejected >= RUNS / 10, `rejected ${tally.rejected}/${RUNS}`);
    // Every tampering changes the token (a swap with an identical segment is the only no-op).
    assert.equal(tally.tamperedAccepted, 0);
  });
});

describe('cross-signing', () => {
  const algArb = fc.constantFrom(...ALL_ALGS);
  const roundTrip = (claims: Record<string, unknown>) => JSON.parse(JSON.stringify(claims)) as unknown;

  test('tokens from Tessera createSigner are accepted by jose, with the same claims', async () => {
    await fc.assert(
      fc.asyncProperty(algArb, appClaims, fc.integer({ min: 60, max: 86_400 }), async (alg, app, ttl) => {
        const sign = createSigner({
          key: keysOf(alg).signing,
          issuer: ISSUERS[0],
          audience: AUDIENCES[0],
          ttl,
          now: () => NOW_MS,
        });
        const token = sign({ ...app, sub: 'u1' });
        const { payload, protectedHeader } = await jose.jwtVerify(token, verifyingObject(alg), {
          algorithms: [alg],
          issuer: ISSUERS[0],
          audience: AUDIENCES[0],
          currentDate: new Date(NOW_MS),
          requiredClaims: ['exp', 'iat', 'jti'],
        });
        assert.equal(protectedHeader.alg, alg);
        assert.equal(protectedHeader.kid, keysOf(alg).signing.kid);
        assert.equal(protectedHeader.typ, 'at+jwt');
        assert.equal(payload.exp, NOW_S + ttl);
        assert.equal(payload.iat, NOW_S);
        const expected = roundTrip({ ...app, sub: 'u1' }) as Record<string, unknown>;
        for (const [name, value] of Object.entries(expected)) {
          assert.deepStrictEqual(
            Object.getOwnPropertyDescriptor(payload, name)?.value,
            value,
            `claim ${name}`,
          );
        }
        // And Tessera accepts its own token, with the same payload jose saw.
        const verify = createVerifier({
          keys: keysOf(alg).verifying,
          algorithms: [alg],
          issuer: ISSUERS[0],
          audience: AUDIENCES[0],
          now: () => NOW_MS,
        });
        assert.deepStrictEqual(verify(token).payload, payload);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  test('tokens from jose SignJWT are accepted by Tessera, with the same claims', async () => {
    await fc.assert(
      fc.asyncProperty(algArb, appClaims, fc.integer({ min: 60, max: 86_400 }), async (alg, app, ttl) => {
        const token = await new jose.SignJWT({ ...app })
          .setProtectedHeader({ alg, kid: keysOf(alg).signing.kid, typ: 'at+jwt' })
          .setSubject('u1')
          .setIssuer(ISSUERS[0]!)
          .setAudience([AUDIENCES[2]!, AUDIENCES[0]!])
          .setIssuedAt(NOW_S)
          .setExpirationTime(NOW_S + ttl)
          .setJti('jose-jti')
          .sign(signingObject(keysOf(alg).signing));
        const verify = createVerifier({
          keys: keysOf(alg).verifying,
          algorithms: [alg],
          issuer: ISSUERS[0],
          audience: AUDIENCES[0],
          typ: 'at+jwt',
          now: () => NOW_MS,
        });
        const { header, payload } = verify(token);
        assert.equal(header.alg, alg);
        assert.equal(payload.sub, 'u1');
        assert.deepEqual(payload.aud, [AUDIENCES[2], AUDIENCES[0]]);
        assert.deepStrictEqual(payload, jose.decodeJwt(token));
        const expected = roundTrip(app) as Record<string, unknown>;
        for (const [name, value] of Object.entries(expected)) {
          assert.deepStrictEqual(
            Object.getOwnPropertyDescriptor(payload, name)?.value,
            value,
            `claim ${name}`,
          );
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  test('public keys exported as JWK by either side import on the other', async () => {
    for (const alg of ALL_ALGS.filter((a) => !a.startsWith('HS'))) {
      const { signing, verifying } = keysOf(alg);
      const token = await new jose.SignJWT({ sub: 'u1' })
        .setProtectedHeader({ alg, kid: signing.kid })
        .setExpirationTime(NOW_S + 60)
        .sign(signing.keyObject);
      // jose's JWK of our public key, imported back into Tessera, verifies jose's token.
      const jwk = await jose.exportJWK(verifying.keyObject);
      const reimported = importKey(jwk, { alg, kid: signing.kid });
      const verify = createVerifier({ keys: reimported, algorithms: [alg], now: () => NOW_MS });
      assert.equal(verify(token).payload.sub, 'u1');
      // And jose verifies with the JWK Tessera would publish.
      const ours = exportJwk(verifying);
      assert.equal(ours.kid, signing.kid);
      assert.equal(ours.alg, alg);
      assert.equal((ours as { d?: string }).d, undefined, 'public members only');
      const published = await jose.importJWK(ours as jose.JWK, alg);
      const verified = await jose.jwtVerify(token, published, { currentDate: new Date(NOW_MS) });
      assert.equal(verified.payload.sub, 'u1');
    }
  });
});
