// The client never verifies signatures (the resource servers do); it only reads `exp` to know when to
// refresh, so a plain base64url decode of the payload is enough.

export interface AccessTokenState {
  readonly token: string;
  /** Milliseconds since the epoch at which the server stops accepting it. */
  readonly expiresAt: number;
  /** Increases with every token this client (or a sibling tab) obtained: detects "someone refreshed". */
  readonly generation: number;
}

function decodeBase64Url(segment: string): string {
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/');
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** Reads `exp` (seconds) from a compact JWS; falls back to `expiresIn` when the token is unreadable. */
export function expiryOf(token: string, expiresInSeconds: number | undefined, now: number): number {
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (first > 0 && second > first) {
    try {
      const payload = JSON.parse(decodeBase64Url(token.slice(first + 1, second))) as { exp?: unknown };
      if (typeof payload.exp === 'number' && Number.isFinite(payload.exp)) return payload.exp * 1000;
    } catch {
      // not a JWT we can read: use expires_in below
    }
  }
  return now + (expiresInSeconds ?? 0) * 1000;
}
