// Helpers for the operations tests: a server with a bootstrap admin, logins, OAuth clients and a
// minimal server-sent-events reader over fetch (what an EventSource does).
import {
  GOOD_PASSWORD,
  request,
  startTestServer,
  type TestServer,
  uniqueEmail,
} from './support/server-harness.js';

export const ADMIN_EMAIL = 'admin@example.com';

export async function startOpsServer(env: Record<string, string> = {}): Promise<TestServer> {
  return startTestServer({
    env: {
      TESSERA_BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL,
      TESSERA_BOOTSTRAP_ADMIN_PASSWORD: GOOD_PASSWORD,
      TESSERA_LOG_LEVEL: 'warn',
      ...env,
    },
  });
}

export async function login(base: string, email: string, password = GOOD_PASSWORD) {
  const res = await request(base, 'POST', '/v1/auth/login', {
    body: { email, password, refresh_token_in_body: true },
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
  return { accessToken: res.body.access_token as string, refreshToken: res.body.refresh_token as string };
}

export async function adminToken(base: string): Promise<string> {
  return (await login(base, ADMIN_EMAIL)).accessToken;
}

export async function createUser(base: string, admin: string, roles = ['user']) {
  const email = uniqueEmail('ops');
  const res = await request(base, 'POST', '/v1/admin/users', {
    token: admin,
    body: { email, password: GOOD_PASSWORD, roles },
  });
  if (res.status !== 201) throw new Error(`create user failed: ${res.status} ${res.text}`);
  return { id: res.body.user.id as string, email, ...(await login(base, email)) };
}

export async function createOAuthClient(
  base: string,
  admin: string,
  scopes: string[],
  audiences: string[] = [],
) {
  const res = await request(base, 'POST', '/v1/admin/clients', {
    token: admin,
    body: { name: 'test client', scopes, audiences },
  });
  if (res.status !== 201) throw new Error(`create client failed: ${res.status} ${res.text}`);
  return { id: res.body.client_id as string, secret: res.body.client_secret as string };
}

export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

/** POSTs an application/x-www-form-urlencoded body. */
export function form(
  base: string,
  path: string,
  params: Record<string, string>,
  headers: Record<string, string> = {},
) {
  return request(base, 'POST', path, {
    body: new URLSearchParams(params).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });
}

export interface SseEvent {
  event: string;
  id: string | undefined;
  data: string;
}

/** Opens an SSE stream and collects its events until `close()`. */
export async function openSse(url: string, headers: Record<string, string>) {
  const controller = new AbortController();
  const res = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  });
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const waiters: Array<() => void> = [];
  let endedByServer = false;
  const pump = (async () => {
    if (!res.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          endedByServer = true;
          break;
        }
        buffer += decoder.decode(value, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const ev: SseEvent = { event: 'message', id: undefined, data: '' };
          let hasData = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line);
            else if (line.startsWith('event: ')) ev.event = line.slice(7);
            else if (line.startsWith('id: ')) ev.id = line.slice(4);
            else if (line.startsWith('data: ')) {
              ev.data += (hasData ? '\n' : '') + line.slice(6);
              hasData = true;
            }
          }
          if (hasData) events.push(ev);
          for (const w of waiters.splice(0)) w();
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    status: res.status,
    headers: res.headers,
    events,
    comments,
    /** Resolves when `n` events have arrived (or rejects after `ms`). */
    async waitFor(n: number, ms = 5000): Promise<SseEvent[]> {
      const deadline = Date.now() + ms;
      while (events.length < n) {
        if (Date.now() > deadline) throw new Error(`only ${events.length} of ${n} events arrived`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
      return events;
    },
    /** Resolves true when the server ends the stream within `ms`, false otherwise (stream left open). */
    async endsWithin(ms: number): Promise<boolean> {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([pump, new Promise((r) => (timer = setTimeout(r, ms)))]);
      clearTimeout(timer);
      return endedByServer;
    },
    async close() {
      controller.abort();
      await pump;
    },
  };
}
