/**
 * The app's own page paths — everything else on the origin belongs to the server (`/demo`, `/healthz`, `/v1/…`,
 * operator pages to come). The service worker answers only these navigations with the app shell, so a server
 * page opened in a browser that once ran the app still reaches the server; the router maps the same paths.
 */

/** Exact paths of the app's screens (`/V`, `/C`: QR texts upper-case the path). `/pass/<holder>` is matched apart. */
export const APP_PATHS = [
  '/',
  '/index.html',
  '/scan',
  '/v',
  '/V',
  '/c',
  '/C',
  '/history',
  '/wallet',
  '/settings',
  '/report',
  '/pass',
  '/verify',
] as const;

export type AppPath = (typeof APP_PATHS)[number];

const PASS_PREFIX = '/pass/';

/** Trailing slashes removed, `/` kept. */
export const normalisePath = (pathname: string): string => pathname.replace(/\/+$/, '') || '/';

/** Is this an app page (a navigation the app shell answers), as opposed to a server page? */
export function isAppPath(pathname: string): boolean {
  const path = normalisePath(pathname);
  // normalisePath has taken the trailing slash: whatever still starts with `/pass/` names a holder.
  return (APP_PATHS as readonly string[]).includes(path) || path.startsWith(PASS_PREFIX);
}
