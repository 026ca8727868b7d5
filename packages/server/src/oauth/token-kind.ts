// Which kind of access token a payload is (RFC 8725 section 3.11: one kind is never accepted as
// another). A service token, from grant_type=client_credentials, names its client in `client_id`
// and as `sub`, and has no session; every other token is a user token. Users cannot carry
// `client_id` (a reserved claim), so a user token never looks like a service token.
import type { JwtPayload } from '@tessera/core';

export function isServiceToken(payload: JwtPayload): boolean {
  return (
    typeof payload.client_id === 'string' && payload.sub === payload.client_id && payload.sid === undefined
  );
}

/** A user token obtained by token exchange: some service acts for the user (`act`, RFC 8693). */
export function isDelegatedToken(payload: JwtPayload): boolean {
  return payload.act !== undefined;
}
