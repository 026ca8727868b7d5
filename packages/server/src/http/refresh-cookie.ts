// The refresh-token cookie: `tessera_rt`, HttpOnly; Secure; SameSite=Strict; Path=/v1/auth, so the
// browser sends it only to the auth routes and scripts never see it. Read and written here, by the
// routes that use it: no cookie parsing on the other routes' requests.
import { readCookie } from '@tessera/verify';
import type { FastifyReply, FastifyRequest } from 'fastify';

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

export function refreshCookieOf(request: FastifyRequest): string | undefined {
  const value = readCookie(request.headers.cookie, REFRESH_COOKIE);
  return value !== undefined && value !== '' ? value : undefined;
}
