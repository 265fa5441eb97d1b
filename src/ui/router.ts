/**
 * Pathname routes, handled in the page with the History API; payloads ride in the hash, which never
 * reaches a server. `/v#…` and `/c#…` open straight from a phone's camera app (also `/V`, `/C`: QR texts
 * upper-case the path so it packs in alphanumeric mode — core qrText); a person's pass `/p#…` opens guard mode.
 */

import { useEffect, useState } from 'preact/hooks';
import { normalisePath } from '../core/app-routes';

export type Route =
  | { readonly name: 'home' }
  | { readonly name: 'scan' }
  | { readonly name: 'venue'; readonly code: string }
  | { readonly name: 'certificate'; readonly code: string }
  | { readonly name: 'history' }
  | { readonly name: 'wallet' }
  | { readonly name: 'settings' }
  | { readonly name: 'report' }
  /** `code`: the holder key of one person (URL-decoded), or '' for "the only person, or choose". */
  | { readonly name: 'pass'; readonly code: string }
  /** `code`: a pass QR's digits when a phone's own camera app opened `/p#…` (guard mode decides it), else ''. */
  | { readonly name: 'verify'; readonly code: string }
  | { readonly name: 'not-found'; readonly path: string };

const NAVIGATE = 'singgah:navigate';

/** An EU DCC's `HC1:` text or a card's `shc:/` texts come percent-encoded in the fragment (core qr-link foreignImportPath). */
function foreignTextOf(code: string): string | undefined {
  if (!/^(HC1|shc)(:|%3A)/i.test(code)) return undefined;
  try {
    return decodeURIComponent(code);
  } catch {
    return code;
  }
}

export function parseRoute(pathname: string, hash: string): Route {
  const path = normalisePath(pathname);
  const code = hash.replace(/^#/, '').trim();
  switch (path) {
    case '/':
    case '/index.html':
      return { name: 'home' };
    case '/scan':
      return { name: 'scan' };
    case '/v':
    case '/V':
      return { name: 'venue', code };
    case '/c':
    case '/C':
      return { name: 'certificate', code: foreignTextOf(code) ?? code };
    case '/history':
      return { name: 'history' };
    case '/wallet':
      return { name: 'wallet' };
    case '/settings':
      return { name: 'settings' };
    case '/report':
      return { name: 'report' };
    case '/pass':
      return { name: 'pass', code: '' };
    case '/verify':
      return { name: 'verify', code: '' };
    case '/p':
    case '/P':
      return { name: 'verify', code };
    default:
      return path.startsWith('/pass/') ? passRoute(path.slice(6)) : { name: 'not-found', path };
  }
}

function passRoute(segment: string): Route {
  try {
    return { name: 'pass', code: decodeURIComponent(segment) };
  } catch {
    return { name: 'not-found', path: `/pass/${segment}` };
  }
}

/** The pass of one person (holder key: name + birth date, so it is URL-encoded). */
export const passPath = (holder: string) => `/pass/${encodeURIComponent(holder)}`;

const currentRoute = () => parseRoute(location.pathname, location.hash);

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  window.dispatchEvent(new Event(NAVIGATE));
}

/** The current route; follows links, back/forward and hash changes (a new venue scanned while on /v). */
export function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    window.addEventListener('popstate', update);
    window.addEventListener('hashchange', update);
    window.addEventListener(NAVIGATE, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener('hashchange', update);
      window.removeEventListener(NAVIGATE, update);
    };
  }, []);
  return route;
}

/** Click handler for same-origin links: navigate in the page unless the user asked for a new tab. */
export function onLinkClick(e: MouseEvent): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = (e.currentTarget as HTMLElement).closest('a');
  if (!a || a.target || a.origin !== location.origin) return;
  e.preventDefault();
  navigate(a.pathname + a.search + a.hash);
}

/** A key that changes whenever the route does (to remount a screen when the same route gets a new payload). */
export function routeKey(r: Route): string {
  return 'code' in r ? `${r.name}#${r.code}` : r.name;
}
