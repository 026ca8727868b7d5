import { type AccessTokenState, expiryOf } from './access-token.js';
import { createBearerOrigins, originOf } from './bearer-origins.js';
import { type ClientEvents, Emitter } from './emitter.js';
import { MfaRequiredError, SignedOutError, TesseraClientError } from './errors.js';
import { createSessionHint, type SessionHint } from './session-hint.js';
import { type FactorProof, parseStepUpChallenge, type StepUpPrompt } from './step-up.js';
import { createTabCoordinator, type TabCoordinator } from './tab-coordinator.js';
import { acceptsSignOut, acceptsToken, signatureOf, type TabMessage } from './tab-message.js';

/** Where a native app keeps its refresh token (Keychain, Keystore, a file...). Browsers leave it unset. */
export interface RefreshTokenStorage {
  get(): string | null | undefined | Promise<string | null | undefined>;
  set(token: string): void | Promise<void>;
  delete(): void | Promise<void>;
}

export interface TesseraClientOptions {
  /** The auth server's origin, e.g. `https://auth.example.com`. */
  baseUrl: string;
  /**
   * Other origins `client.fetch` may send the access token to (e.g. `['https://api.example.com']`).
   * The auth server's origin is always included; a request to any other origin goes out untouched,
   * without `Authorization`.
   */
  allowedOrigins?: readonly string[];
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
  /**
   * Called by `fetch` when a service answers 401 `insufficient_user_authentication` (RFC 9470):
   * return a second factor and the client steps up at /v1/auth/step-up and retries the request.
   */
  onStepUp?: StepUpPrompt;
}

interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in?: number;
  refresh_token?: string;
}

export interface TesseraClient {
  /** Throws MfaRequiredError (with its mfaToken) when the account has a second factor. */
  login(credentials: { email: string; password: string }): Promise<void>;
  /** The second step of sign-in, with the mfaToken of MfaRequiredError. */
  completeMfa(mfaToken: string, proof: FactorProof): Promise<void>;
  /** Re-proves a factor for this session; the new access token carries a fresh auth_time. */
  stepUp(proof: FactorProof): Promise<string>;
  /** WebAuthn assertion options for step-up (pass them to the browser's WebAuthn API). */
  stepUpWebAuthnOptions(): Promise<unknown>;
  /** Ends this session at the server (and in sibling tabs). */
  logout(): Promise<void>;
  /** Ends every session of the user. */
  logoutAll(): Promise<void>;
  /**
   * After a page load: gets an access token through the refresh cookie (or stored refresh token)
   * when this browser may have a session, and resolves whether it is signed in. A browser that
   * never signed in (or signed out) makes no request.
   */
  restore(): Promise<boolean>;
  /**
   * A valid access token, refreshed first when it is missing or about to expire. With `audience`,
   * a token for that API (RFC 8707 `resource`; the server must list it in TESSERA_AUDIENCES): one
   * is kept per audience, each refreshed on its own.
   */
  getAccessToken(options?: { audience?: string }): Promise<string>;
  /**
   * `fetch` with the access token attached when the URL's origin is the auth server's or in
   * `allowedOrigins` (other URLs go out as plain `fetch`); on a 401 it refreshes once and retries once.
   */
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
  readonly #bearerOrigins: ReadonlySet<string>;
  readonly #fetch: typeof fetch;
  readonly #storage: RefreshTokenStorage | undefined;
  readonly #marginMs: number;
  readonly #events = new Emitter();
  readonly #tabs: TabCoordinator;
  readonly #hint: SessionHint | undefined;
  readonly #onStepUp: StepUpPrompt | undefined;
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
    this.#bearerOrigins = createBearerOrigins(this.#base, options.allowedOrigins);
    const f = options.fetch ?? globalThis.fetch;
    if (typeof f !== 'function')
      throw new TypeError('options.fetch is required where there is no global fetch');
    this.#fetch = f.bind(globalThis);
    this.#storage = options.refreshTokenStorage;
    this.#marginMs = (options.refreshMarginSeconds ?? 60) * 1000;
    // Browser mode only: native apps know from their own storage whether there is a session.
    this.#hint = this.#storage ? undefined : createSessionHint(`tessera:${this.#base}`);
    this.#onStepUp = options.onStepUp;
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

  async completeMfa(mfaToken: string, proof: FactorProof): Promise<void> {
    const body = {
      mfa_token: mfaToken,
      ...proof,
      ...(this.#storage ? { refresh_token_in_body: true } : {}),
    };
    await this.#adopt(await this.#post<TokenResponse>('/v1/auth/mfa', body), true);
  }

  async stepUp(proof: FactorProof): Promise<string> {
    const token = await this.getAccessToken();
    const tokens = await this.#post<TokenResponse>('/v1/auth/step-up', proof, {
      authorization: `Bearer ${token}`,
    });
    return this.#adopt(tokens, true);
  }

  async stepUpWebAuthnOptions(): Promise<unknown> {
    const token = await this.getAccessToken();
    return this.#post('/v1/auth/webauthn/options', {}, { authorization: `Bearer ${token}` });
  }

  async logout(): Promise<void> {
    await this.#end('/v1/auth/logout', 'logout');
  }

  async logoutAll(): Promise<void> {
    await this.#end('/v1/auth/logout-all', 'logout_all');
  }

  async restore(): Promise<boolean> {
    if (this.#state) return true;
    if (this.#hint && !this.#hint.get()) return false;
    try {
      await this.refresh();
      return true;
    } catch (err) {
      if (err instanceof SignedOutError) return false;
      throw err;
    }
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
    if (!this.#mayCarryToken(request)) return this.#fetch(request);
    // Keep a pristine copy for the one retry: a body can be read only once.
    const retry = request.clone();
    const token = await this.getAccessToken();
    const usedGeneration = this.#state?.generation ?? 0;
    const first = await this.#withToken(request, token);
    if (first.status !== 401) return first;
    // RFC 9470: the token is valid but the sign-in too old or too weak for this route.
    const challenge = parseStepUpChallenge(first.headers.get('www-authenticate'));
    if (challenge) {
      if (!this.#onStepUp) return first;
      const proof = await this.#onStepUp(challenge);
      if (!proof) return first;
      return this.#withToken(retry, await this.stepUp(proof));
    }
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
        if (!this.#mayCarryToken(request)) return this.#fetch(request);
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

  /** The access token goes only to the auth server's origin and `allowedOrigins`. */
  #mayCarryToken(request: Request): boolean {
    const origin = originOf(request.url);
    return origin !== undefined && this.#bearerOrigins.has(origin);
  }

  #withToken(request: Request, token: string): Promise<Response> {
    const headers = new Headers(request.headers);
    headers.set('authorization', `Bearer ${token}`);
    // A redirect to another origin drops Authorization (Fetch standard; Node's fetch and current
    // browsers do it, and a test checks Node's).
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
    this.#hint?.set(true);
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

  /** Messages arrive already shape-checked (tab-message.ts); here they must also fit this session. */
  #onTabMessage(message: TabMessage): void {
    if (message.type === 'token') {
      if (acceptsToken(message, this.#state, Date.now())) {
        this.#setState({
          token: message.token,
          expiresAt: message.expiresAt,
          generation: message.generation,
        });
      }
    } else if (acceptsSignOut(message, this.#state)) {
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
   * Forgets the session. A logout or failed refresh here tells the sibling tabs when this tab held a
   * token; the event fires once per session, not per failure (always for an explicit logout).
   */
  #clear(reason: string, mode: 'explicit' | 'failure' | 'sibling'): void {
    const ending = this.#state?.token;
    const wasSignedIn = ending !== undefined;
    this.#state = undefined;
    this.#hint?.set(false);
    this.#audienceState.clear();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    // Siblings accept a sign-out only for the token they hold, so a tab without one has nothing to
    // name; they learn at their next refresh, which the server refuses.
    if (ending !== undefined && mode !== 'sibling') {
      this.#tabs.publish({ type: 'signedout', reason, ending: signatureOf(ending) });
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
      if (
        (code === 'mfa_required' || code === 'mfa_enrollment_required') &&
        typeof json.mfa_token === 'string'
      ) {
        const methods = Array.isArray(json.methods) ? json.methods.filter((m) => typeof m === 'string') : [];
        throw new MfaRequiredError(code, json.mfa_token, methods as string[]);
      }
      const description = typeof json.error_description === 'string' ? json.error_description : undefined;
      throw new TesseraClientError(response.status, code, description);
    }
    return json as T;
  }
}
