// The refresh-token cookie: `tessera_rt`, HttpOnly; Secure; SameSite=Strict; Path=/v1/auth, so the
// browser sends it only to the auth routes and scripts never see it.
import type { FastifyReply, FastifyRequest } from 'fastify';

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

export function refreshCookieOf(request: FastifyRequest): string | undefined {
  const value = request.cookies[REFRESH_COOKIE];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
