// Token debugger: paste a token, see its header and claims in words and the verdict check by
// check. Everything runs in this page; the only requests go to this server (its JWKS and discovery
// document), so a token never reaches a third party.
import { useEffect, useState } from 'preact/hooks';
import { Annotated } from '../debugger/annotate.js';
import { type Explanation, explainToken } from '../debugger/explain.js';
import { client, publicApi } from '../session.js';
import { Alert } from '../ui/alert.js';

const STATUS_TEXT = { pass: 'pass', fail: 'FAIL', info: 'info', skip: 'skipped' } as const;
const STATUS_CLASS = { pass: 'ok', fail: 'bad', info: 'muted', skip: 'warn' } as const;

function audienceOf(token: string): string | undefined {
  try {
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/')));
    return Array.isArray(payload.aud) ? payload.aud[0] : payload.aud;
  } catch {
    return undefined;
  }
}

export function DebuggerPage() {
  const [token, setToken] = useState('');
  const [issuer, setIssuer] = useState('');
  const [audience, setAudience] = useState('');
  const [result, setResult] = useState<Explanation>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  // Defaults: this server's issuer, and the audience of the console's own tokens when signed in.
  useEffect(() => {
    publicApi('GET', '/.well-known/openid-configuration')
      .then((d) => setIssuer((cur) => cur || String(d.issuer ?? '')))
      .catch(() => undefined);
    if (client.signedIn)
      client
        .getAccessToken()
        .then((t) => setAudience((cur) => cur || (audienceOf(t) ?? '')))
        .catch(() => undefined);
  }, []);

  const explain = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const jwks = await publicApi('GET', '/.well-known/jwks.json');
      setResult(
        await explainToken({
          token: token.trim(),
          jwks,
          issuer: issuer.trim() || undefined,
          audience: audience.trim() || undefined,
          clockTolerance: 30,
          now: Date.now() / 1000,
        }),
      );
    } catch (err) {
      setError(`Cannot check the token: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <h1>Token debugger</h1>
      <Alert kind="info">
        The token stays in this browser: it is decoded and checked here, against this server's public keys. It
        is never sent to this server or anywhere else.
      </Alert>
      <form class="stack wide" onSubmit={explain}>
        <label>
          Token
          <textarea
            name="token"
            rows={5}
            spellcheck={false}
            autocomplete="off"
            value={token}
            onInput={(e) => setToken((e.currentTarget as HTMLTextAreaElement).value)}
            placeholder="eyJhbGciOi…"
            required
          />
        </label>
        <div class="inline">
          <label>
            Expected issuer
            <input value={issuer} onInput={(e) => setIssuer((e.currentTarget as HTMLInputElement).value)} />
          </label>
          <label>
            Expected audience
            <input
              name="audience"
              value={audience}
              onInput={(e) => setAudience((e.currentTarget as HTMLInputElement).value)}
              placeholder="leave empty to skip"
            />
          </label>
        </div>
        <div class="actions">
          <button type="submit" disabled={busy || token.trim() === ''}>
            Explain
          </button>
        </div>
      </form>
      {error ? <Alert kind="error">{error}</Alert> : null}
      {result ? (
        <div aria-live="polite">
          <h2>Verdict</h2>
          <p class={`verdict ${result.valid ? 'ok' : 'bad'}`} data-testid="verdict">
            {result.valid
              ? 'Valid: this server would accept this token (unless it was revoked).'
              : result.code
                ? `Invalid: ${result.code}`
                : 'Not fully checked: the signature could not be verified here.'}
          </p>
          <ol class="checks" aria-label="Checks, in the verifier's order">
            {result.checks.map((c) => (
              <li key={c.name} data-check={c.name} data-status={c.status}>
                <strong>{c.name}</strong>
                <span class={`tag ${STATUS_CLASS[c.status]}`}>{STATUS_TEXT[c.status]}</span>
                <span>
                  {c.message}
                  {c.code ? <span class="muted mono"> {c.code}</span> : null}
                </span>
              </li>
            ))}
          </ol>
          <p class="muted">Revocation is not checked here: the server checks it on every request.</p>
          {result.decoded ? (
            <div class="panel">
              <Annotated title="Header" data={result.decoded.header} nowMs={Date.now()} />
              <Annotated title="Claims" data={result.decoded.payload} nowMs={Date.now()} />
            </div>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
