/**
 * The HTTP surface, composed: security headers and request logs on every response, the API body limit, then
 * the route modules in server/routes/ — `/healthz`, `/v1/bundle`, `/v1/roots`, `/v1/venues/by-code`, the
 * sync API, in demo mode `/demo`, and last the built app (static files, SPA fallback). Every response carries
 * a strict CSP. The server serves the files and notices the CLI signed and reads no secret key: a case upload is
 * stored sealed for the health officer's offline review (server/case-uploads.ts, `singgah case review`).
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { routePath } from 'hono/route';
import type { Logger } from 'pino';
import { type Db, DbUnavailableError } from './db';
import { errorBody } from './http';
import { Admission, DEFAULT_RATE_LIMIT, type RateLimit } from './rate-limit';
import { BundleFile, bundleRoutes } from './routes/bundle';
import { demoRoutes } from './routes/demo';
import { healthRoutes } from './routes/health';
import { RootsDir, rootsRoutes } from './routes/roots';
import { staticRoutes } from './routes/static';
import { syncRoutes } from './routes/sync';
import { venueLookupRoutes } from './routes/venue-lookup';

export interface AppOptions {
  readonly db: Db;
  readonly dataDir: string;
  /** The built app (vite's output). */
  readonly distDir: string;
  readonly demo: boolean;
  readonly logger: Logger;
  /**
   * Origin of the demo links (`SINGGAH_PUBLIC_ORIGIN`, else the listening address): a string, or a function
   * when it is known only once the server listens. Required in demo mode; never taken from the Host header.
   */
  readonly publicOrigin?: string | (() => string) | undefined;
  /** The server's clock in Unix seconds (tests move it; default: the system clock). */
  readonly now?: () => number;
  /** Per-key limit on the database-backed API routes (default 10/s, burst 60; server/rate-limit.ts). */
  readonly rateLimit?: RateLimit;
  /** The rate limit's clock in monotonic milliseconds (tests freeze it; default: performance.now). */
  readonly limitClock?: () => number;
  /** Identify clients by the last X-Forwarded-For hop (only behind a proxy that sets it). */
  readonly trustProxy?: boolean;
  /** The published bundle, shared with main.ts's fast path for `GET /v1/bundle`. */
  readonly bundleFile?: BundleFile;
  /** Called after a sealed case was stored: the demo's automatic review (main.ts), nothing in production. */
  readonly afterCaseStored?: () => void;
}

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  // 'wasm-unsafe-eval' lets the page compile WebAssembly (the photo import's zxing-wasm fallback, a hashed file
  // of this origin); it allows no eval() of strings and no script from elsewhere.
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

export const MAX_API_BODY_BYTES = 1_048_576;

/** Headers on every response (the Hono middleware and main.ts's bundle fast path). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Permissions-Policy': 'camera=(self)',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

export function createApp(options: AppOptions): Hono {
  const { db, dataDir, logger } = options;
  const bundleFile = options.bundleFile ?? new BundleFile(dataDir, logger);
  const app = new Hono();

  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(name, value);
    // A refusal is logged once, sampled, by the rate limiter: a flood must not become a flood of log lines.
    if (c.res.status === 429) return;
    // The route pattern, never the path: paths carry venue ids, typed short codes and holder keys, and a log of
    // them per client is a trail. Never query strings, headers or bodies either.
    logger.info(
      { method: c.req.method, route: routePath(c), status: c.res.status, ms: Math.round(performance.now() - started) },
      'request',
    );
  });

  app.onError((e, c) => {
    if (e instanceof DbUnavailableError) {
      // A failover in progress, or the database down. A retry is safe even if the lost statement committed
      // (check-in ids make uploads idempotent), so the client is told to come back soon, not given a 500.
      logger.warn({ err: e, route: routePath(c) }, 'database unavailable');
      c.header('Retry-After', '2');
      return c.json(errorBody('DB_UNAVAILABLE', 'database unavailable, try again shortly'), 503);
    }
    logger.error({ err: e, route: routePath(c) }, 'request failed');
    return c.json(errorBody('INTERNAL', 'internal server error'), 500);
  });
  app.notFound((c) => c.json(errorBody('NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`), 404));

  const apiBodyLimit = bodyLimit({
    maxSize: MAX_API_BODY_BYTES,
    onError: (c) => c.json(errorBody('BODY_TOO_LARGE', `request body over ${MAX_API_BODY_BYTES} bytes`), 413),
  });
  // GET and HEAD carry no body; skipping them spares building a full Request object on every poll.
  app.use('/v1/*', (c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : apiBodyLimit(c, next)));

  app.route('/', healthRoutes(db, bundleFile));
  app.route('/', bundleRoutes(bundleFile));
  app.route('/', rootsRoutes(new RootsDir(dataDir, logger)));
  // Budgets per address and per key (a venue, a route) across every database-backed route.
  const admission = new Admission({
    limit: options.rateLimit ?? DEFAULT_RATE_LIMIT,
    trustProxy: options.trustProxy ?? false,
    logger,
    ...(options.limitClock ? { clock: options.limitClock } : {}),
  });
  app.route('/v1/venues', venueLookupRoutes(db, admission.byRoute));
  app.route(
    '/',
    syncRoutes({
      db,
      dataDir,
      logger,
      now: options.now ?? (() => Math.floor(Date.now() / 1000)),
      admission,
      afterCaseStored: options.afterCaseStored,
    }),
  );
  app.all('/v1/*', (c) => c.json(errorBody('NOT_FOUND', `no API route for ${c.req.method} ${c.req.path}`), 404));

  if (options.demo) {
    const origin = options.publicOrigin;
    if (origin === undefined) throw new Error('demo mode needs a public origin for its links');
    app.route('/', demoRoutes({ db, dataDir, publicOrigin: typeof origin === 'string' ? () => origin : origin }));
  }
  app.route('/', staticRoutes(options.distDir));

  return app;
}
