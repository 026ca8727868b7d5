// The refresh-token cookie: `tessera_rt`, HttpOnly; Secure; SameSite=Strict; Path=/v1/auth, so the
// browser sends it only to the auth routes and scripts never see it. Read and written here, by the
// routes that use it: no cookie parsing on the other routes' requests.
import { readCookie } from '@tessera/verify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';

export const REFRESH_COOKIE = 'tessera_rt';
export const REFRESH_COOKIE_PATH = '/v1/auth';

function cookieLine(value: string, maxAgeSec: number, secure: boolean): string {
  const expires = maxAgeSec === 0 ? '; Expires=Thu, 01 Jan 1970 00:00:00 GMT' : '';
  return (
    `${REFRESH_COOKIE}=${value}; Max-Age=${maxAgeSec}${expires}; Path=${REFRESH_COOKIE_PATH}; HttpOnly` +
    `${secure ? '; Secure' : ''}; SameSite=Strict`
  );
}

export function setRefreshCookie(
  reply: FastifyReply,
  token: string,
  maxAgeSec: number,
  secure: boolean,
): void {
  // Refresh tokens are base64url: nothing to encode.
  reply.header('set-cookie', cookieLine(token, Math.max(0, Math.floor(maxAgeSec)), secure));
}

export function clearRefreshCookie(reply: FastifyReply, secure: boolean): void {
  reply.header('set-cookie', cookieLine('', 0, secure));
}

// `tessera_rt=` at the start of the header or after a `;`, whatever the spacing.
const REFRESH_COOKIE_PAIR = new RegExp(`(?:^|;)\\s*${REFRESH_COOKIE}=`, 'g');

/**
 * The refresh token from the cookie. Two `tessera_rt` cookies in one request are refused: a sibling
 * subdomain can set a second one (cookie tossing) with a more specific path, which browsers send
 * first, to sign the victim into the attacker's session. Which one is ours cannot be told, so none is
 * used.
 */
export function refreshCookieOf(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (header !== undefined && (header.match(REFRESH_COOKIE_PAIR)?.length ?? 0) > 1) {
    throw new ApiError('invalid_request', {
      description: `Two ${REFRESH_COOKIE} cookies were sent; clear this site's cookies and sign in again.`,
    });
  }
  const value = readCookie(request.headers.cookie, REFRESH_COOKIE);
  return value !== undefined && value !== '' ? value : undefined;
}
