// Protected-header policy (RFC 7515 section 4.1, RFC 8725): checked once per distinct header
// segment, before any key lookup or crypto.
import { JoseAlgNotAllowed, JoseHeaderInvalid } from '../errors.js';
import type { Alg } from '../lib/algorithms.js';
import type { JwsHeader } from '../types.js';

/**
 * Returns the header typed as JwsHeader. `jku`, `x5u`, `jwk`, `x5c` are left alone: they are never
 * used to find a key. `crit` is always refused because Tessera understands no extension, and `b64`
 * (RFC 7797, unencoded payload) is refused unless it is the default `true`.
 */
export function checkHeader(
  header: Record<string, unknown>,
  allowed: ReadonlySet<Alg>,
  typ?: string,
): JwsHeader {
  const alg = header.alg;
  if (typeof alg !== 'string') throw new JoseHeaderInvalid('header alg must be a string');
  if (alg.toLowerCase() === 'none') throw new JoseAlgNotAllowed('alg none is never accepted');
  if (!allowed.has(alg as Alg)) throw new JoseAlgNotAllowed();
  if (header.crit !== undefined) throw new JoseHeaderInvalid('header crit names an unsupported extension');
  if (header.b64 !== undefined && header.b64 !== true)
    throw new JoseHeaderInvalid('unencoded payloads are not supported');
  if (header.kid !== undefined && (typeof header.kid !== 'string' || header.kid.length === 0)) {
    throw new JoseHeaderInvalid('header kid must be a non-empty string');
  }
  if (header.typ !== undefined && typeof header.typ !== 'string')
    throw new JoseHeaderInvalid('header typ must be a string');
  if (typ !== undefined && (header.typ === undefined || normalizeTyp(header.typ as string) !== typ)) {
    throw new JoseHeaderInvalid('header typ is not the expected type');
  }
  return header as JwsHeader;
}

/** Media types compare case-insensitively and the 'application/' prefix is optional (RFC 7515 4.1.9). */
export function normalizeTyp(typ: string): string {
  const t = typ.toLowerCase();
  return t.startsWith('application/') ? t.slice(12) : t;
}
