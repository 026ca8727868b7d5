// The console's one @tessera/client: the access token lives in its memory only, the refresh token in
// the HttpOnly tessera_rt cookie, which this code never sees. `api` is client.fetch plus JSON and a
// typed error, so every page handles failures alike. A route that needs a recent second factor
// (401 insufficient_user_authentication) asks the step-up dialog, then is tried once more.
import { createTesseraClient, SignedOutError, TesseraClientError } from '@tessera/client';

export const client = createTesseraClient({ baseUrl: location.origin });

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly description: string | undefined,
  ) {
    super(description ? `${code}: ${description}` : code);
  }
}

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely and checked where used
export type Json = any;

async function read(response: Response): Promise<Json> {
  if (response.status === 204) return undefined;
  const text = await response.text();
  let body: Json;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const code = typeof body?.error === 'string' ? body.error : `http_${response.status}`;
    const description = typeof body?.error_description === 'string' ? body.error_description : undefined;
    throw new ApiFailure(response.status, code, description);
  }
  return body;
}

function init(method: string, body: unknown): RequestInit {
  return body === undefined
    ? { method, headers: { accept: 'application/json' } }
    : {
        method,
        headers: { accept: 'application/json', 'content-type': 'application/json' },
        body: JSON.stringify(body),
      };
}

/** Asks the user to re-prove a second factor; resolves whether the session was stepped up. */
export type StepUpHandler = (reason: string | undefined) => Promise<boolean>;
let stepUpHandler: StepUpHandler | undefined;

/** The step-up dialog registers itself here while it is mounted; returns the unregister function. */
export function setStepUpHandler(handler: StepUpHandler): () => void {
  stepUpHandler = handler;
  return () => {
    if (stepUpHandler === handler) stepUpHandler = undefined;
  };
}

/** A request with the access token (refreshed when needed; stepped up once when the server asks). */
export async function api(method: string, path: string, body?: unknown): Promise<Json> {
  try {
    return await read(await client.fetch(path, init(method, body)));
  } catch (err) {
    const needsStepUp = err instanceof ApiFailure && err.code === 'insufficient_user_authentication';
    if (needsStepUp && stepUpHandler && (await stepUpHandler(err.description)))
      return read(await client.fetch(path, init(method, body)));
    throw err;
  }
}

/**
 * Every item of a paged list (`?limit=&cursor=` → `next_cursor`), for the short lists a page shows
 * whole (OAuth clients, sessions).
 */
export async function apiAll(path: string, key: string): Promise<Json[]> {
  const items: Json[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page: Json = await api(
      'GET',
      `${path}${sep}limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    items.push(...(page[key] as Json[]));
    cursor = typeof page.next_cursor === 'string' ? page.next_cursor : null;
  } while (cursor);
  return items;
}

/** A request without a token (public routes: mail links, JWKS, discovery). */
export async function publicApi(method: string, path: string, body?: unknown): Promise<Json> {
  return read(await fetch(path, { ...init(method, body), credentials: 'same-origin' }));
}

export { SignedOutError };

const FRIENDLY: Record<string, string> = {
  invalid_factor: 'That code or passkey was not accepted: check it and try again.',
  invalid_mfa_token: 'This sign-in attempt has expired or was already used: start again with your password.',
  insufficient_user_authentication: 'This needs a second factor confirmed in the last few minutes.',
};

/** Words for a failure, for an alert. */
export function describeFailure(err: unknown): string {
  if (err instanceof ApiFailure) {
    if (err.status === 429) return 'Too many attempts: wait a little and try again.';
    if (FRIENDLY[err.code]) return `${FRIENDLY[err.code]} (${err.code})`;
    return err.description ? `${err.description} (${err.code})` : `The server answered ${err.code}.`;
  }
  if (err instanceof SignedOutError) return 'Your session has ended: sign in again.';
  if (err instanceof TesseraClientError) {
    // The SDK's own requests (login, second step, step-up): its message is "code: description".
    if (err.status === 429) return 'Too many attempts: wait a little and try again.';
    if (FRIENDLY[err.code]) return `${FRIENDLY[err.code]} (${err.code})`;
    const description = err.message.startsWith(`${err.code}: `) ? err.message.slice(err.code.length + 2) : '';
    return description ? `${description} (${err.code})` : `The server answered ${err.code}.`;
  }
  if (err instanceof TypeError) return 'The server cannot be reached.';
  return err instanceof Error ? err.message : String(err);
}
