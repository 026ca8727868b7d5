// Validation of what arrives on the cross-tab channel. A BroadcastChannel is shared by every script of
// the origin (another app on the same host, an embedded widget, a stale tab of an older version), so a
// message is input, not a trusted sibling: anything that is not exactly a message this SDK sends, with
// sane values, is ignored.

import type { AccessTokenState } from './access-token.js';

export type TabMessage =
  | { type: 'token'; token: string; expiresAt: number; generation: number }
  | { type: 'signedout'; reason: string; ending: string };

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const MAX_TOKEN_LENGTH = 16_384;
const MAX_REASON_LENGTH = 100;
/** Generations are `Date.now()`-based: one far in the future would freeze out every real update. */
const MAX_GENERATION_AHEAD_MS = 60_000;

/** The last segment of a compact JWS: identifies a token without being usable as one. */
export function signatureOf(token: string): string {
  return token.slice(token.lastIndexOf('.') + 1);
}

function payloadOf(token: string): Record<string, unknown> | undefined {
  const segment = token.split('.')[1] ?? '';
  try {
    const base64 = segment.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
    const json = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
    return json !== null && typeof json === 'object' && !Array.isArray(json) ? json : undefined;
  } catch {
    return undefined;
  }
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Only the fields this SDK sends, with the types it sends; otherwise undefined. */
export function parseTabMessage(data: unknown): TabMessage | undefined {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const m = data as Record<string, unknown>;
  if (m.type === 'token') {
    const keys = Object.keys(m);
    if (keys.length !== 4) return undefined;
    if (typeof m.token !== 'string' || m.token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(m.token)) {
      return undefined;
    }
    if (!isFiniteNumber(m.expiresAt) || !isFiniteNumber(m.generation)) return undefined;
    return { type: 'token', token: m.token, expiresAt: m.expiresAt, generation: m.generation };
  }
  if (m.type === 'signedout') {
    if (Object.keys(m).length !== 3) return undefined;
    if (typeof m.reason !== 'string' || m.reason.length > MAX_REASON_LENGTH) return undefined;
    if (typeof m.ending !== 'string' || m.ending.length === 0 || m.ending.length > MAX_TOKEN_LENGTH) {
      return undefined;
    }
    return { type: 'signedout', reason: m.reason, ending: m.ending };
  }
  return undefined;
}

/**
 * Whether a well-formed token message may replace `current`: it must be newer, not from the far
 * future, unexpired, carry the `exp` it claims, and (when this tab is signed in) be for the same user,
 * so a forged message cannot swap the session for someone else's.
 */
export function acceptsToken(
  message: Extract<TabMessage, { type: 'token' }>,
  current: AccessTokenState | undefined,
  now: number,
): boolean {
  if (message.generation > now + MAX_GENERATION_AHEAD_MS) return false;
  if (current && message.generation <= current.generation) return false;
  if (message.expiresAt <= now) return false;
  const claims = payloadOf(message.token);
  if (!claims || !isFiniteNumber(claims.exp) || claims.exp * 1000 !== message.expiresAt) return false;
  if (current) {
    const currentSub = payloadOf(current.token)?.sub;
    if (typeof claims.sub !== 'string' || claims.sub !== currentSub) return false;
  }
  return true;
}

/**
 * A sign-out names the token it ends (by signature): a sibling holding that token knows it; a script
 * that never saw the session cannot sign this tab out.
 */
export function acceptsSignOut(
  message: Extract<TabMessage, { type: 'signedout' }>,
  current: AccessTokenState | undefined,
): boolean {
  return current !== undefined && constantTimeEqual(message.ending, signatureOf(current.token));
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i += 1) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
