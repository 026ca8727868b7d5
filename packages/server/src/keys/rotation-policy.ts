// The rotation timeline (docs/operations.md "Keys and rotation"). A key is published as `next`
// `publishAhead` before it signs, signs for `rotateEvery`, then stays published as `retiring`
// until every token it signed has expired (`maxTokenTtl`). JWKS responses may be cached for at
// most a quarter of `publishAhead`, so every verifier has fetched a key well before it signs.

export const DAY = 86_400;

export interface RotationPolicy {
  /** Seconds a key signs before the next one takes over. Default 30 days. */
  rotateEvery: number;
  /** Seconds a new key is published before it signs. */
  publishAhead: number;
  /** Seconds a retiring key stays published: the longest token lifetime plus clock tolerance. */
  maxTokenTtl: number;
  /** Cache-Control max-age of the JWKS, seconds. */
  jwksMaxAge: number;
}

export const DEFAULT_ROTATE_EVERY = 30 * DAY;
export const CLOCK_TOLERANCE = 30;

export function rotationPolicy(opts: {
  rotateEvery?: number;
  accessTtl: number;
  publishAhead?: number;
}): RotationPolicy {
  const rotateEvery = opts.rotateEvery ?? DEFAULT_ROTATE_EVERY;
  if (!(rotateEvery >= 60)) throw new TypeError('rotateEvery must be at least 60 seconds');
  // One day ahead by default, but never more than half of the signing period.
  const publishAhead = Math.max(60, Math.floor(opts.publishAhead ?? Math.min(DAY, rotateEvery / 2)));
  const jwksMaxAge = Math.min(600, Math.max(15, Math.floor(publishAhead / 4)));
  return {
    rotateEvery,
    publishAhead,
    maxTokenTtl: opts.accessTtl + CLOCK_TOLERANCE,
    jwksMaxAge,
  };
}
