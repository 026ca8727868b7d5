// A tiny History-API router under /console: routes are paths, links are real <a href> elements
// (keyboard and middle-click work), and clicks on them are handled here without a reload.
import { useEffect, useState } from 'preact/hooks';

export const BASE = '/console';
const listeners = new Set<() => void>();

export function currentPath(): string {
  const p = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : location.pathname;
  return p === '' ? '/' : p.replace(/\/+$/, '') || '/';
}

export function navigate(path: string, replace = false): void {
  const url = BASE + (path === '/' ? '/' : path);
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  for (const l of listeners) l();
}

export function usePath(): string {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const update = () => setPath(currentPath());
    listeners.add(update);
    addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      removeEventListener('popstate', update);
    };
  }, []);
  return path;
}

/** Document-level click handler: same-origin /console links navigate in place. */
export function interceptLinks(): void {
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey)
      return;
    const a = (event.target as Element | null)?.closest?.('a');
    if (!a || a.target || a.hasAttribute('download')) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin || !url.pathname.startsWith(BASE)) return;
    if (url.hash && url.pathname === location.pathname && url.search === location.search) {
      // An in-page link (the skip link): focus its target; the route stays as it is.
      event.preventDefault();
      document.getElementById(decodeURIComponent(url.hash.slice(1)))?.focus();
      return;
    }
    event.preventDefault();
    history.pushState(null, '', url.pathname + url.search + url.hash);
    for (const l of listeners) l();
  });
}

/** A one-time token from a mail link: the fragment (#token=) or the query (?token=); then hidden. */
export function takeLinkToken(): string | undefined {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
  const fromQuery = new URLSearchParams(location.search).get('token');
  const token = fromHash ?? fromQuery ?? undefined;
  if (token) history.replaceState(null, '', location.pathname);
  return token;
}
