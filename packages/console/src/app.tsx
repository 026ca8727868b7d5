// The shell: who is signed in (restored through the refresh cookie on load), the navigation, and
// which page a path shows. Pages that mail links open and the token debugger work signed out.
import type { ComponentType, JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { StepUpDialog } from './mfa/step-up-dialog.js';
import { AccountPage } from './pages/account.js';
import { AuditPage } from './pages/audit.js';
import { ClientsPage } from './pages/clients.js';
import { DebuggerPage } from './pages/debugger.js';
import { KeysPage } from './pages/keys.js';
import { ConfirmEmailPage, ResetPasswordPage, VerifyEmailPage } from './pages/mail-links.js';
import { PasswordPage } from './pages/password.js';
import { SecurityPage } from './pages/security.js';
import { SessionsPage } from './pages/sessions.js';
import { SignInPage } from './pages/sign-in.js';
import { UsersPage } from './pages/users.js';
import { BASE, navigate, usePath } from './router.js';
import { api, client } from './session.js';

export interface Me {
  sub: string;
  email?: string;
  roles?: string[];
  [claim: string]: unknown;
}

type Auth = { state: 'loading' } | { state: 'out'; reason?: string } | { state: 'in'; me: Me };

interface Page {
  path: string;
  title: string;
  admin?: boolean;
  public?: boolean;
  hidden?: boolean;
  render: (me: Me | undefined) => JSX.Element;
}

const PAGES: Page[] = [
  { path: '/sessions', title: 'My sessions', render: () => <SessionsPage /> },
  { path: '/password', title: 'Change password', render: () => <PasswordPage /> },
  { path: '/security', title: 'Second factors', render: () => <SecurityPage /> },
  { path: '/account', title: 'My data', render: () => <AccountPage /> },
  { path: '/debugger', title: 'Token debugger', public: true, render: () => <DebuggerPage /> },
  { path: '/admin/users', title: 'Users', admin: true, render: () => <UsersPage /> },
  { path: '/admin/clients', title: 'OAuth clients', admin: true, render: () => <ClientsPage /> },
  { path: '/admin/keys', title: 'Signing keys', admin: true, render: () => <KeysPage /> },
  { path: '/admin/audit', title: 'Audit log', admin: true, render: () => <AuditPage /> },
  { path: '/admin/metrics', title: 'Live charts', admin: true, render: () => <LazyMetricsPage /> },
  {
    path: '/verify-email',
    title: 'Verify email',
    public: true,
    hidden: true,
    render: () => <VerifyEmailPage />,
  },
  {
    path: '/reset-password',
    title: 'Reset password',
    public: true,
    hidden: true,
    render: () => <ResetPasswordPage />,
  },
  {
    path: '/confirm-email',
    title: 'Confirm email change',
    public: true,
    hidden: true,
    render: () => <ConfirmEmailPage />,
  },
];

async function whoAmI(): Promise<Me> {
  return (await api('GET', '/v1/me')) as Me;
}

export function App() {
  const path = usePath();
  const [auth, setAuth] = useState<Auth>({ state: 'loading' });

  useEffect(() => {
    const off = client.on('signedout', (e) => setAuth({ state: 'out', reason: e.reason }));
    // The access token is only in memory: a reload restores the session through the HttpOnly cookie.
    client
      .restore()
      .then((signedIn) => (signedIn ? whoAmI() : undefined))
      .then(
        (me) => setAuth(me ? { state: 'in', me } : { state: 'out' }),
        () => setAuth({ state: 'out' }),
      );
    // Coming back to the tab re-checks the session, so a session revoked elsewhere shows at once.
    const onVisible = () => {
      if (document.visibilityState === 'visible' && client.signedIn) whoAmI().catch(() => undefined);
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      off();
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, []);

  // Each navigation while signed in asks the server who we are: a revoked session signs out here.
  // It also moves focus to the new page, so keyboard and screen-reader users start at its content.
  const firstPath = useRef(true);
  useEffect(() => {
    if (auth.state === 'in') whoAmI().catch(() => undefined);
    if (firstPath.current) firstPath.current = false;
    else document.getElementById('main')?.focus();
  }, [path]);

  const page = PAGES.find((p) => p.path === path);
  const me = auth.state === 'in' ? auth.me : undefined;
  const isAdmin = me?.roles?.includes('admin') ?? false;

  useEffect(() => {
    document.title = `${page?.title ?? (auth.state === 'in' ? 'Console' : 'Sign in')} · Tessera`;
  }, [page, auth.state]);

  useEffect(() => {
    if (auth.state === 'in' && (path === '/' || path === '/sign-in')) navigate('/sessions', true);
  }, [auth.state, path]);

  let content: JSX.Element;
  if (page?.public) content = page.render(me);
  else if (auth.state === 'loading') content = <p role="status">Loading…</p>;
  else if (auth.state === 'out')
    content = (
      <SignInPage
        reason={auth.reason}
        onSignedIn={async () => setAuth({ state: 'in', me: await whoAmI() })}
      />
    );
  else if (!page || path === '/') content = <NotFound />;
  else if (page.admin && !isAdmin)
    content = (
      <section>
        <h1>{page.title}</h1>
        <p>This page is for administrators: your account does not have the admin role.</p>
      </section>
    );
  else content = page.render(me);

  const nav = (title: string, pages: Page[]) => (
    <>
      <h2 id={`nav-${title}`}>{title}</h2>
      <ul aria-labelledby={`nav-${title}`}>
        {pages.map((p) => (
          <li key={p.path}>
            <a href={BASE + p.path} aria-current={p.path === path ? 'page' : undefined}>
              {p.title}
            </a>
          </li>
        ))}
      </ul>
    </>
  );

  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href={`${BASE}/`}>
          Tessera console
        </a>
        {me ? (
          <span class="who">
            Signed in as <span class="mono">{me.email ?? me.sub}</span>{' '}
            <button
              type="button"
              class="secondary"
              onClick={() => client.logout().catch(() => setAuth({ state: 'out' }))}
            >
              Sign out
            </button>
          </span>
        ) : null}
      </header>
      <div class="layout">
        <nav class="side" aria-label="Console">
          {me
            ? nav(
                'Account',
                PAGES.filter((p) => !p.admin && !p.hidden),
              )
            : nav(
                'Tools',
                PAGES.filter((p) => p.path === '/debugger'),
              )}
          {isAdmin
            ? nav(
                'Admin',
                PAGES.filter((p) => p.admin),
              )
            : null}
          {me ? null : (
            <ul>
              <li>
                <a href={`${BASE}/`} aria-current={page ? undefined : 'page'}>
                  Sign in
                </a>
              </li>
            </ul>
          )}
        </nav>
        <main id="main" tabIndex={-1}>
          {content}
        </main>
        {me ? <StepUpDialog /> : null}
      </div>
    </>
  );
}

/** The charts page and uPlot load only when opened (most visits never need them). */
function LazyMetricsPage() {
  const [Page, setPage] = useState<ComponentType | undefined>(undefined);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    import('./pages/metrics.js').then(
      (m) => setPage(() => m.MetricsPage),
      () => setFailed(true),
    );
  }, []);
  if (Page) return <Page />;
  return failed ? (
    <p role="alert">The charts could not be loaded: reload the page.</p>
  ) : (
    <p role="status">Loading…</p>
  );
}

function NotFound() {
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        Nothing here. Go to <a href={`${BASE}/sessions`}>My sessions</a>.
      </p>
    </section>
  );
}
