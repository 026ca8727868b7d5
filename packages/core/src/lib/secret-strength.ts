// One rule for "is this secret strong enough?", shared by `tessera secret check` and the server,
// which refuses to start in production on a weak TESSERA_HS_SECRET or TESSERA_MASTER_KEY.
// A secret passes when it carries at least 32 bytes of material, looks random, and is not a
// well-known value (padded or repeated). Reasons never quote the secret.

/** The minimum amount of decoded material (under 32 random bytes is weak). */
export const MIN_SECRET_BYTES = 32;

// Values from tutorials, README examples and framework defaults. Compared after normalisation
// (lower case, letters and digits only, common leetspeak undone), so `Your-256-Bit-Secret!` matches.
const WEAK_VALUES = [
  'secret',
  'password',
  'password123',
  'changeme',
  'changeit',
  'your-256-bit-secret',
  'your-secret-key',
  'jwt_secret',
  'jwt-secret-key',
  'secretkey',
  'mysecret',
  'supersecret',
  'topsecret',
  'keyboard cat',
  'shhhhh',
  'default',
  'letmein',
  'qwerty',
  'admin',
  'test',
  'example',
  'tessera',
  '123456',
];

const LEET: Record<string, string> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
};

const normalize = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');
const unleet = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[013457@$]/g, (c) => LEET[c] ?? c)
    .replace(/[^a-z0-9]/g, '');
const WEAK_NORMALIZED = [...new Set(WEAK_VALUES.flatMap((w) => [normalize(w), unleet(w)]))];

export interface SecretStrength {
  ok: boolean;
  reasons: string[];
}

/** Judges a secret given as text (raw, hex, base64 or base64url) or as raw bytes. */
export function checkSecretStrength(value: string | Uint8Array): SecretStrength {
  const reasons: string[] = [];
  const symbols = typeof value === 'string' ? Array.from(value, (c) => c.codePointAt(0)!) : [...value];
  if (symbols.length === 0) return { ok: false, reasons: ['the secret is empty'] };

  const { bytes, encoding } = materialLength(value);
  if (bytes < MIN_SECRET_BYTES) {
    reasons.push(`shorter than ${MIN_SECRET_BYTES} bytes: ${bytes} bytes of ${encoding} material`);
  }
  if (typeof value === 'string') {
    const known = knownWeakValue(value);
    if (known) reasons.push(`built from the well-known weak value '${known}'`);
  }
  // Below 16 symbols the frequency estimate says nothing (8 symbols carry at most 3 bits each),
  // and such values already fail on length.
  if (symbols.length < 16) return { ok: reasons.length === 0, reasons };
  const period = repeatPeriod(symbols);
  if (period !== undefined) {
    reasons.push(`repeats a pattern of ${period} ${period === 1 ? 'character' : 'characters'}`);
  } else {
    const bits = shannonBits(symbols);
    if (bits < 3) reasons.push(`low entropy: about ${bits.toFixed(1)} bits per character (under 3)`);
    else if (sequentialShare(symbols) > 0.5) reasons.push('mostly sequential characters (like abcd or 1234)');
  }
  return { ok: reasons.length === 0, reasons };
}

/** How many bytes of key material the value holds once decoded from hex or base64 text. */
export function materialLength(value: string | Uint8Array): { bytes: number; encoding: string } {
  if (typeof value !== 'string') return { bytes: value.length, encoding: 'raw' };
  // Short words ("123456", "changeme") are text, not encodings: only long hex and mixed-case
  // base64 alphabets (which random data always shows) are decoded.
  if (value.length >= 16 && value.length % 2 === 0 && /^[0-9a-fA-F]+$/.test(value)) {
    return { bytes: value.length / 2, encoding: 'hex' };
  }
  const b64 = /^[A-Za-z0-9+/]+={0,2}$/.test(value);
  const b64url = /^[A-Za-z0-9_-]+$/.test(value);
  if ((b64 || b64url) && /[a-z]/.test(value) && /[A-Z]/.test(value)) {
    const chars = value.replace(/=+$/, '').length;
    return { bytes: Math.floor((chars * 6) / 8), encoding: b64url && !b64 ? 'base64url' : 'base64' };
  }
  return { bytes: Buffer.byteLength(value, 'utf8'), encoding: 'raw' };
}

/** A weak word counts when what is left around it is short, nearly uniform or sequential (padding). */
function knownWeakValue(value: string): string | undefined {
  for (const form of [normalize(value), unleet(value)]) {
    if (form.length === 0) continue;
    for (const weak of WEAK_NORMALIZED) {
      if (!form.includes(weak)) continue;
      const rest = form.split(weak).join('');
      const codes = Array.from(rest, (c) => c.charCodeAt(0));
      if (rest.length < 16 || new Set(rest).size <= 4 || sequentialShare(codes) > 0.5) return weak;
    }
  }
  return undefined;
}

/** The shortest unit whose repetition (at least twice) makes up the whole value. */
function repeatPeriod(symbols: number[]): number | undefined {
  const n = symbols.length;
  for (let p = 1; p <= n / 2; p++) {
    if (n % p !== 0) continue;
    let same = true;
    for (let i = p; i < n && same; i++) same = symbols[i] === symbols[i - p];
    if (same) return p;
  }
  return undefined;
}

/** Shannon entropy of the symbol frequencies, in bits per symbol (a random hex string gives ~3.8+). */
function shannonBits(symbols: number[]): number {
  const counts = new Map<number, number>();
  for (const s of symbols) counts.set(s, (counts.get(s) ?? 0) + 1);
  let bits = 0;
  for (const c of counts.values()) {
    const p = c / symbols.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** Share of neighbours that step by -1, 0 or +1 (abcdef, 123456, aaaa). Random text rarely does. */
function sequentialShare(symbols: number[]): number {
  if (symbols.length < 2) return 0;
  let steps = 0;
  for (let i = 1; i < symbols.length; i++) if (Math.abs(symbols[i]! - symbols[i - 1]!) <= 1) steps++;
  return steps / (symbols.length - 1);
}
