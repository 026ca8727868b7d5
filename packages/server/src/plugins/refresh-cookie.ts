// The refresh-token cookie: `tessera_rt`, HttpOnly; Secure; SameSite=Strict; Path=/v1/auth, so the
// browser sends it only to the auth routes and scripts never see it.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';

export const REFRESH_COOKIE = 'tessera_rt';
export const REFRESH_COOKIE_PATH = '/v1/auth';

export function setRefreshCookie(
  reply: FastifyReply,
  token: string,
  maxAgeSec: number,
  secure: boolean,
): void {
  reply.setCookie(REFRESH_COOKIE, token, {
    httpOnly: true,
    secure,
    sameSite: 'strict',
    path: REFRESH_COOKIE_PATH,
    maxAge: maxAgeSec,
  });
}

export function clearRefreshCookie(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(REFRESH_COOKIE, {
    httpOnly: true,
    secure,
    sameSite: 'strict',
    path: REFRESH_COOKIE_PATH,
  });
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
  const value = request.cookies[REFRESH_COOKIE];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
