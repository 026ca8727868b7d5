import { type AccessTokenState, expiryOf } from './access-token.js';
import { type ClientEvents, Emitter } from './emitter.js';
import { SignedOutError, TesseraClientError } from './errors.js';
import { createTabCoordinator, type TabCoordinator, type TabMessage } from './tab-coordinator.js';

/** Where a native app keeps its refresh token (Keychain, Keystore, a file...). Browsers leave it unset. */
export interface RefreshTokenStorage {
  get(): string | null | undefined | Promise<string | null | undefined>;
  set(token: string): void | Promise<void>;
  delete(): void | Promise<void>;
}

export interface TesseraClientOptions {
  /** The auth server's origin, e.g. `https://auth.example.com`. */
  baseUrl: string;
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /**
   * Native apps: the refresh token comes in the response body and is kept here. Without it the
   * client runs in browser mode: the refresh token lives only in the HttpOnly `tessera_rt` cookie.
   */
  refreshTokenStorage?: RefreshTokenStorage;
  /** Refresh this many seconds before the access token expires (default 60; 0 disables). */
  refreshMarginSeconds?: number;
  /** Name shared by the tabs of one app (BroadcastChannel and Web Lock). */
  channelName?: string;
  /** Override the Web Locks manager (`null` disables cross-tab locking). */
  locks?: { request<T>(name: string, callback: () => Promise<T>): Promise<T> } | null;
}

interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in?: number;
  refresh_token?: string;
}

export interface TesseraClient {
  login(credentials: { email: string; password: string }): Promise<void>;
  /** Ends this session at the server (and in sibling tabs). */
  logout(): Promise<void>;
  /** Ends every session of the user. */
  logoutAll(): Promise<void>;
  /**
   * A valid access token, refreshed first when it is missing or about to expire. With `audience`,
   * a token for that API (RFC 8707 `resource`; the server must list it in TESSERA_AUDIENCES): one
   * is kept per audience, each refreshed on its own.
   */
  getAccessToken(options?: { audience?: string }): Promise<string>;
  /** `fetch` with the access token attached; on a 401 it refreshes once and retries once. */
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  /** `getAccessToken` and `fetch` with tokens for one API (`aud` = `audience`). */
  forAudience(audience: string): AudienceClient;
  /** Forces a refresh (single-flight: concurrent callers share one request). */
  refresh(): Promise<string>;
  readonly signedIn: boolean;
  on<K extends keyof ClientEvents>(name: K, listener: (event: ClientEvents[K]) => void): () => void;
  /** Stops timers and closes the tab channel. */
  close(): void;
}

/** The token calls of a client, bound to one audience. */
export interface AudienceClient {
  readonly audience: string;
  getAccessToken(): Promise<string>;
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
}

export function createTesseraClient(options: TesseraClientOptions): TesseraClient {
  return new Client(options);
}

class Client implements TesseraClient {
  readonly #base: string;
  readonly #fetch: typeof fetch;
  readonly #storage: RefreshTokenStorage | undefined;
  readonly #marginMs: number;
  readonly #events = new Emitter();
  readonly #tabs: TabCoordinator;
  #state: AccessTokenState | undefined;
  #inFlight: Promise<string> | undefined;
  // Tokens for other audiences, each with its own single-flight refresh.
  readonly #audienceState = new Map<string, AccessTokenState>();
  readonly #audienceFlights = new Map<string, Promise<string>>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(options: TesseraClientOptions) {
    if (typeof options.baseUrl !== 'string' || !/^https?:\/\//.test(options.baseUrl)) {
      throw new TypeError('options.baseUrl must be an http(s) URL');
    }
    this.#base = options.baseUrl.replace(/\/+$/, '');
    const f = options.fetch ?? globalThis.fetch;
    if (typeof f !== 'function')
      throw new TypeError('options.fetch is required where there is no global fetch');
    this.#fetch = f.bind(globalThis);
    this.#storage = options.refreshTokenStorage;
    this.#marginMs = (options.refreshMarginSeconds ?? 60) * 1000;
    const tabOptions = options.locks === undefined ? {} : { locks: options.locks };
    this.#tabs = createTabCoordinator(
      options.channelName ?? `tessera:${this.#base}`,
      (m) => this.#onTabMessage(m),
      tabOptions,
    );
  }

  get signedIn(): boolean {
    return this.#state !== undefined;
  }

  on<K extends keyof ClientEvents>(name: K, listener: (event: ClientEvents[K]) => void): () => void {
    return this.#events.on(name, listener);
  }

  async login(credentials: { email: string; password: string }): Promise<void> {
    const body = { ...credentials, ...(this.#storage ? { refresh_token_in_body: true } : {}) };
    const tokens = await this.#post<TokenResponse>('/v1/auth/login', body);
    await this.#adopt(tokens, true);
  }

  async logout(): Promise<void> {
    await this.#end('/v1/auth/logout', 'logout');
  }

  async logoutAll(): Promise<void> {
    await this.#end('/v1/auth/logout-all', 'logout_all');
  }

  async getAccessToken(options?: { audience?: string }): Promise<string> {
    if (options?.audience !== undefined) return this.#audienceToken(options.audience, false);
    const state = this.#state;
    if (state && state.expiresAt - Date.now() > Math.min(this.#marginMs, 5_000)) return state.token;
    return this.#refreshAfter(state?.generation ?? 0);
  }

  refresh(): Promise<string> {
    return this.#refreshAfter(this.#state?.generation ?? 0);
  }

  async fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const request = new Request(input, init);
    // Keep a pristine copy for the one retry: a body can be read only once.
    const retry = request.clone();
    const token = await this.getAccessToken();
    const usedGeneration = this.#state?.generation ?? 0;
    const first = await this.#withToken(request, token);
    if (first.status !== 401) return first;
    const fresh = await this.#refreshAfter(usedGeneration);
    return this.#withToken(retry, fresh);
  }

  forAudience(audience: string): AudienceClient {
    if (typeof audience !== 'string' || audience === '')
      throw new TypeError('audience must be a non-empty string');
    return {
      audience,
      getAccessToken: () => this.#audienceToken(audience, false),
      fetch: async (input, init) => {
        const request = new Request(input, init);
        const retry = request.clone();
        const first = await this.#withToken(request, await this.#audienceToken(audience, false));
        if (first.status !== 401) return first;
        return this.#withToken(retry, await this.#audienceToken(audience, true));
      },
    };
  }

  /** The kept token for `audience`, or a refresh with `resource` = audience (one at a time per audience). */
  #audienceToken(audience: string, force: boolean): Promise<string> {
    const state = this.#audienceState.get(audience);
    if (!force && state && state.expiresAt - Date.now() > Math.max(Math.min(this.#marginMs, 5_000), 0)) {
      return Promise.resolve(state.token);
    }
    let flight = this.#audienceFlights.get(audience);
    if (!flight) {
      flight = this.#tabs
        .withRefreshLock(() => this.#refreshNow(audience))
        .finally(() => this.#audienceFlights.delete(audience));
      this.#audienceFlights.set(audience, flight);
    }
    return flight;
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#tabs.close();
  }

  #withToken(request: Request, token: string): Promise<Response> {
    const headers = new Headers(request.headers);
    headers.set('authorization', `Bearer ${token}`);
    return this.#fetch(new Request(request, { headers }));
  }

  /**
   * Refreshes unless a token newer than `staleGeneration` is already here (another caller, the
   * timer or a sibling tab refreshed meanwhile). One request per page at a time, one per origin
   * at a time where Web Locks exist.
   */
  #refreshAfter(staleGeneration: number): Promise<string> {
    const fresh = this.#state;
    if (fresh && fresh.generation > staleGeneration && fresh.expiresAt > Date.now()) {
      return Promise.resolve(fresh.token);
    }
    if (!this.#inFlight) {
      this.#inFlight = this.#tabs
        .withRefreshLock(async () => {
          const now = this.#state;
          if (now && now.generation > staleGeneration && now.expiresAt - Date.now() > 1_000) return now.token;
          return this.#refreshNow();
        })
        .finally(() => {
          this.#inFlight = undefined;
        });
    }
    return this.#inFlight;
  }

  async #refreshNow(audience?: string): Promise<string> {
    let body: Record<string, unknown> = audience === undefined ? {} : { resource: audience };
    if (this.#storage) {
      const stored = await this.#storage.get();
      if (!stored) throw this.#signedOut('no refresh token stored');
      body = { ...body, refresh_token: stored };
    }
    let tokens: TokenResponse;
    try {
      tokens = await this.#post<TokenResponse>('/v1/auth/refresh', body);
    } catch (err) {
      // 400/401 mean the refresh token is dead (expired, revoked, reused): the session is over.
      // Anything else (429, 5xx, network) is passing: keep the session and let the caller retry.
      // An audience the server does not serve (invalid_target) ends nothing: the refresh was refused whole.
      if (err instanceof TesseraClientError && err.code === 'invalid_target') throw err;
      if (err instanceof TesseraClientError && (err.status === 400 || err.status === 401)) {
        throw this.#signedOut(err.code);
      }
      throw err;
    }
    if (audience === undefined) return this.#adopt(tokens, true);
    if (typeof tokens.access_token !== 'string') throw new TesseraClientError(502, 'bad_response');
    if (this.#storage && typeof tokens.refresh_token === 'string')
      await this.#storage.set(tokens.refresh_token);
    const now = Date.now();
    this.#audienceState.set(audience, {
      token: tokens.access_token,
      expiresAt: expiryOf(tokens.access_token, tokens.expires_in, now),
      generation: now,
    });
    return tokens.access_token;
  }

  async #adopt(tokens: TokenResponse, broadcast: boolean): Promise<string> {
    if (typeof tokens.access_token !== 'string') throw new TesseraClientError(502, 'bad_response');
    if (this.#storage && typeof tokens.refresh_token === 'string')
      await this.#storage.set(tokens.refresh_token);
    const now = Date.now();
    const generation = Math.max(now, (this.#state?.generation ?? 0) + 1);
    this.#setState({
      token: tokens.access_token,
      expiresAt: expiryOf(tokens.access_token, tokens.expires_in, now),
      generation,
    });
    if (broadcast) {
      this.#tabs.publish({
        type: 'token',
        token: tokens.access_token,
        expiresAt: this.#state!.expiresAt,
        generation,
      });
    }
    return tokens.access_token;
  }

  #setState(state: AccessTokenState): void {
    this.#state = state;
    this.#schedule(state);
    this.#events.emit('token', { expiresAt: state.expiresAt });
  }

  #schedule(state: AccessTokenState): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#marginMs <= 0 || this.#closed) return;
    // Refresh `margin` before exp, but never earlier than halfway through the token's life: a margin
    // longer than the lifetime would otherwise refresh in a loop.
    const now = Date.now();
    const lifetime = Math.max(0, state.expiresAt - now);
    const delay = Math.max(lifetime - this.#marginMs, lifetime / 2);
    this.#timer = setTimeout(() => {
      this.#refreshAfter(state.generation).catch(() => {
        // signed-out is emitted by #signedOut; a passing failure is retried by the next request
      });
    }, delay);
    (this.#timer as unknown as { unref?: () => void }).unref?.();
  }

  #onTabMessage(message: TabMessage): void {
    if (message.type === 'token') {
      if (!this.#state || message.generation > this.#state.generation) {
        this.#setState({
          token: message.token,
          expiresAt: message.expiresAt,
          generation: message.generation,
        });
      }
    } else {
      this.#clear(message.reason, 'sibling');
    }
  }

  async #end(path: string, reason: string): Promise<void> {
    const headers: Record<string, string> = {};
    if (this.#state) headers.authorization = `Bearer ${this.#state.token}`;
    const body: Record<string, unknown> = {};
    if (this.#storage) {
      const stored = await this.#storage.get();
      if (stored) body.refresh_token = stored;
    }
    try {
      await this.#post(path, body, headers);
    } catch (err) {
      // Already signed out at the server is fine: the local state is cleared either way.
      if (!(err instanceof TesseraClientError) || err.status !== 401) throw err;
    } finally {
      await this.#storage?.delete();
      this.#clear(reason, 'explicit');
    }
  }

  #signedOut(reason: string): SignedOutError {
    this.#clear(reason, 'failure');
    void this.#storage?.delete();
    return new SignedOutError(reason);
  }

  /**
   * Forgets the session. `explicit` (a logout here) always tells the sibling tabs; a failed refresh
   * tells them only if this tab was signed in, and the event fires once per session, not per failure.
   */
  #clear(reason: string, mode: 'explicit' | 'failure' | 'sibling'): void {
    const wasSignedIn = this.#state !== undefined;
    this.#state = undefined;
    this.#audienceState.clear();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (mode === 'explicit' || (mode === 'failure' && wasSignedIn)) {
      this.#tabs.publish({ type: 'signedout', reason });
    }
    if (wasSignedIn || mode === 'explicit') this.#events.emit('signedout', { reason });
  }

  async #post<T>(path: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
    const response = await this.#fetch(this.#base + path, {
      method: 'POST',
      credentials: 'include',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      // a proxy's HTML error page: keep the status
    }
    if (!response.ok) {
      const code = typeof json.error === 'string' ? json.error : `http_${response.status}`;
      const description = typeof json.error_description === 'string' ? json.error_description : undefined;
      throw new TesseraClientError(response.status, code, description);
    }
    return json as T;
  }
}
