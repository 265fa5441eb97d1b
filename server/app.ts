/**
 * The HTTP surface: the built app (static, SPA fallback), `/healthz`, the v1 API (`/v1/bundle`,
 * `/v1/roots`, the sync API in routes/sync.ts) and, in demo mode, `/demo` (+ `/demo.css`, `/demo.json`).
 * Every response carries a strict CSP. The server serves the bundle file the CLI signed; the only signing
 * key it reads is the online notices key (case uploads, server/notices.ts).
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from 'pino';
import { verifyBundle } from '../src/core/bundle';
import { fromBase64Url, fromUtf8 } from '../src/core/bytes';
import { publishedBundlePath } from './authority';
import type { Db } from './db';
import { demoCss, demoJson, demoPage } from './demo-page';
import { errorBody, ifNoneMatchHits } from './http';
import { parseTrust, publishedRootsDir, trustFilePath } from './keys';
import { DEFAULT_RATE_LIMIT, type RateLimit, TokenBuckets } from './rate-limit';
import { syncRoutes } from './routes/sync';
import { venueLookupRoutes } from './routes/venue-lookup';

export interface AppOptions {
  readonly db: Db;
  readonly dataDir: string;
  /** The built app (vite's output). */
  readonly distDir: string;
  readonly demo: boolean;
  readonly logger: Logger;
  /** Origin used in demo links instead of the request's (e.g. behind a TLS proxy). */
  readonly publicOrigin?: string | undefined;
  /** The server's clock in Unix seconds (tests move it; default: the system clock). */
  readonly now?: () => number;
  /** Per-client limit on the database-backed API routes (default 10/s, burst 60). */
  readonly rateLimit?: RateLimit;
  /** Identify clients by the last X-Forwarded-For hop (only behind a proxy that sets it). */
  readonly trustProxy?: boolean;
  /** The published bundle, shared with main.ts's fast path for `GET /v1/bundle`. */
  readonly bundleFile?: BundleFile;
}

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
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

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

const IMMUTABLE = 'public, max-age=31536000, immutable';
const NO_CACHE = 'no-cache';

export type { ErrorBody } from './http';

/** Strong ETag of exact bytes. */
export const etagOf = (bytes: Uint8Array) => `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 32)}"`;

/** Headers on every response (the Hono middleware and main.ts's bundle fast path). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Permissions-Policy': 'camera=(self)',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

export interface LoadedBundle {
  /** Bundle file and trust.json mtime/size: a change to either re-reads and re-checks. */
  readonly key: string;
  readonly bytes: Uint8Array;
  readonly etag: string;
  /** Precomputed gzip of `bytes` and its own ETag (another representation, another tag). */
  readonly gzip: Uint8Array;
  readonly gzipEtag: string;
  readonly version: number | null;
  /** Set when the file does not verify against trust.json: served as 503, never to phones. */
  readonly invalid?: string;
}

/** The published bundle file, re-read whenever its mtime or size changes (the CLI re-signs in place). */
export class BundleFile {
  private loaded: LoadedBundle | undefined;
  private checkedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly dataDir: string,
    private readonly logger: Logger,
  ) {}

  /** The bundle loaded less than `maxAgeMs` ago, without a file check; undefined when a check is due. */
  fresh(maxAgeMs: number): LoadedBundle | undefined {
    return this.loaded && performance.now() - this.checkedAt < maxAgeMs ? this.loaded : undefined;
  }

  /**
   * The current bundle. `maxAgeMs` > 0 skips the file check when the last one is that recent: main.ts's fast
   * path uses it (a re-signed bundle then shows within half a second); the Hono route checks every time.
   */
  async get(maxAgeMs = 0): Promise<LoadedBundle | undefined> {
    const fresh = this.fresh(maxAgeMs);
    if (fresh) return fresh;
    this.checkedAt = performance.now();
    const path = publishedBundlePath(this.dataDir);
    // Synchronous stats: two cached inode lookups cost microseconds, far less than a trip through libuv's
    // thread pool on every request of the hottest route (docs/BENCHMARKS.md, server section).
    const info = statSync(path, { throwIfNoEntry: false });
    if (!info) {
      this.loaded = undefined;
      return undefined;
    }
    // trust.json changes on `keys rotate-root`: the bundle is checked again against the new root.
    const trust = statSync(trustFilePath(this.dataDir), { throwIfNoEntry: false });
    const key = `${info.mtimeMs}:${info.size}:${trust ? `${trust.mtimeMs}:${trust.size}` : '-'}`;
    if (this.loaded && this.loaded.key === key) return this.loaded;
    const bytes = new Uint8Array(await readFile(path));
    const gzip = new Uint8Array(gzipSync(bytes, { level: 9 }));
    const etag = etagOf(bytes);
    this.loaded = { key, bytes, etag, gzip, gzipEtag: `${etag.slice(0, -1)}-gz"`, ...(await this.check(bytes)) };
    if (this.loaded.invalid) this.logger.error({ reason: this.loaded.invalid }, 'published bundle rejected');
    else this.logger.info({ version: this.loaded.version }, 'published bundle loaded');
    return this.loaded;
  }

  /** Verify against trust.json when it is present (a server may be deployed with the bundle alone). */
  private async check(bytes: Uint8Array): Promise<{ version: number | null; invalid?: string }> {
    const source = fromUtf8(bytes);
    if (source === undefined) return { version: null, invalid: 'not UTF-8' };
    const trustText = await readFile(trustFilePath(this.dataDir), 'utf8').catch(() => undefined);
    if (trustText === undefined) return { version: unverifiedVersion(source) };
    try {
      const verified = verifyBundle(source, parseTrust(trustText));
      return verified.ok
        ? { version: verified.value.payload.version }
        : { version: null, invalid: verified.error.code };
    } catch (e) {
      return { version: null, invalid: (e as Error).message };
    }
  }
}

export interface BundleAnswer {
  readonly status: 200 | 304 | 503;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array | string | null;
}

/** The four answers a valid bundle can give, built once per loaded bundle (the route is every phone's poll). */
interface BundleAnswers {
  readonly plain: BundleAnswer;
  readonly gzip: BundleAnswer;
  readonly plainNotModified: BundleAnswer;
  readonly gzipNotModified: BundleAnswer;
}

const JSON_TYPE = { 'Content-Type': 'application/json' };
const answersByBundle = new WeakMap<LoadedBundle, BundleAnswers>();

function answersOf(bundle: LoadedBundle): BundleAnswers {
  const known = answersByBundle.get(bundle);
  if (known) return known;
  const tagged = (etag: string) => ({ ETag: etag, 'Cache-Control': NO_CACHE, Vary: 'Accept-Encoding' });
  const answers: BundleAnswers = {
    plain: { status: 200, headers: { ...tagged(bundle.etag), ...JSON_TYPE }, body: bundle.bytes },
    gzip: {
      status: 200,
      headers: { ...tagged(bundle.gzipEtag), ...JSON_TYPE, 'Content-Encoding': 'gzip' },
      body: bundle.gzip,
    },
    plainNotModified: { status: 304, headers: tagged(bundle.etag), body: null },
    gzipNotModified: { status: 304, headers: tagged(bundle.gzipEtag), body: null },
  };
  answersByBundle.set(bundle, answers);
  return answers;
}

/**
 * `GET /v1/bundle`, decided once for both adapters (the Hono route and main.ts's Node fast path): 503 when
 * none or invalid, 304 on a matching If-None-Match (either representation's tag), else the bytes from
 * memory — gzipped when the client accepts it. A valid bundle's answers are the same objects every time.
 */
export function answerBundle(
  bundle: LoadedBundle | undefined,
  ifNoneMatch: string | undefined,
  acceptEncoding: string | undefined,
): BundleAnswer {
  if (!bundle) {
    return {
      status: 503,
      headers: JSON_TYPE,
      body: JSON.stringify(errorBody('BUNDLE_NOT_PUBLISHED', 'no bundle has been published yet')),
    };
  }
  if (bundle.invalid) {
    return {
      status: 503,
      headers: JSON_TYPE,
      body: JSON.stringify(errorBody('BUNDLE_INVALID', 'the published bundle does not verify')),
    };
  }
  const answers = answersOf(bundle);
  const gzip = acceptEncoding !== undefined && /\bgzip\b/i.test(acceptEncoding);
  if (ifNoneMatchHits(ifNoneMatch, bundle.etag) || ifNoneMatchHits(ifNoneMatch, bundle.gzipEtag)) {
    return gzip ? answers.gzipNotModified : answers.plainNotModified;
  }
  return gzip ? answers.gzip : answers.plain;
}

/** A root file bigger than this is not served (core's own cap on one root envelope is 64 KiB). */
export const MAX_ROOT_FILE_BYTES = 65_536;

interface LoadedRoots {
  readonly key: string;
  readonly bytes: Uint8Array;
  readonly etag: string;
  readonly versions: readonly number[];
}

/**
 * `published/roots/<version>.json`, as a JSON array of the files' texts (each one root envelope string,
 * exactly as the CLI wrote it), oldest version first. The phone verifies the chain itself (core
 * walkRootChain from its pinned root), so this serves the files as they are — even a broken one, which
 * the phone then shows as rejected — and only skips what cannot be a root file at all (name, size,
 * encoding). Re-read whenever a file is added, removed or changed.
 */
export class RootsDir {
  private loaded: LoadedRoots | undefined;

  constructor(
    private readonly dataDir: string,
    private readonly logger: Logger,
  ) {}

  async get(): Promise<LoadedRoots> {
    const dir = publishedRootsDir(this.dataDir);
    const names = await readdir(dir).catch(() => [] as string[]);
    const files = names
      .flatMap((name) => {
        const m = /^([1-9]\d{0,8})\.json$/.exec(name);
        return m ? [{ name, version: Number(m[1]) }] : [];
      })
      .sort((a, b) => a.version - b.version);
    const infos = await Promise.all(files.map((f) => stat(join(dir, f.name)).catch(() => undefined)));
    const key = files.map((f, i) => `${f.name}:${infos[i]?.mtimeMs}:${infos[i]?.size}`).join('|');
    if (this.loaded && this.loaded.key === key) return this.loaded;
    const texts: string[] = [];
    const versions: number[] = [];
    for (const [i, f] of files.entries()) {
      const info = infos[i];
      if (!info?.isFile() || info.size > MAX_ROOT_FILE_BYTES) {
        this.logger.error({ file: f.name }, 'published root skipped: not a file or too large');
        continue;
      }
      const text = fromUtf8(new Uint8Array(await readFile(join(dir, f.name)).catch(() => Buffer.alloc(0))));
      if (!text) {
        this.logger.error({ file: f.name }, 'published root skipped: unreadable or not UTF-8');
        continue;
      }
      texts.push(text);
      versions.push(f.version);
    }
    const bytes = new TextEncoder().encode(JSON.stringify(texts));
    this.loaded = { key, bytes, etag: etagOf(bytes), versions };
    if (versions.length > 0) this.logger.info({ versions }, 'published roots loaded');
    return this.loaded;
  }
}

function unverifiedVersion(source: string): number | null {
  try {
    const payload = fromBase64Url((JSON.parse(source) as { payload: string }).payload);
    const text = payload && fromUtf8(payload);
    const version = text ? (JSON.parse(text) as { version?: unknown }).version : undefined;
    return typeof version === 'number' ? version : null;
  } catch {
    return null;
  }
}

/** Files that must be revalidated on every load (an old service worker strands users). */
const isNoCacheFile = (name: string) =>
  name === 'sw.js' ||
  name === 'registerSW.js' ||
  /^workbox-[\w-]+\.js$/.test(name) ||
  name === 'index.html' ||
  name === 'manifest.webmanifest';

/**
 * Map a request path to a file inside `root`, or undefined for anything suspicious: undecodable,
 * NUL or backslash, `..` or dot segments, or a resolved path outside root.
 */
export function resolveStaticPath(root: string, rawPath: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return undefined;
  }
  if (path.includes('\0') || path.includes('\\') || !path.startsWith('/')) return undefined;
  const segments = path.split('/').slice(1);
  if (segments.some((s) => s === '..' || (s.startsWith('.') && s !== ''))) return undefined;
  const full = resolve(root, ...segments);
  return full === root || full.startsWith(root + sep) ? full : undefined;
}

export function createApp(options: AppOptions): Hono {
  const { db, dataDir, logger } = options;
  const distRoot = resolve(options.distDir);
  const bundleFile = options.bundleFile ?? new BundleFile(dataDir, logger);
  const rootsDir = new RootsDir(dataDir, logger);
  const app = new Hono();

  const originOf = (c: Context) => options.publicOrigin ?? new URL(c.req.url).origin;

  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(name, value);
    // Path only: never query strings, headers or bodies.
    logger.info(
      { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) },
      'request',
    );
  });

  app.onError((e, c) => {
    logger.error({ err: e, path: c.req.path }, 'request failed');
    return c.json(errorBody('INTERNAL', 'internal server error'), 500);
  });
  app.notFound((c) => c.json(errorBody('NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`), 404));

  const apiBodyLimit = bodyLimit({
    maxSize: MAX_API_BODY_BYTES,
    onError: (c) => c.json(errorBody('BODY_TOO_LARGE', `request body over ${MAX_API_BODY_BYTES} bytes`), 413),
  });
  // GET and HEAD carry no body; skipping them spares building a full Request object on every poll.
  app.use('/v1/*', (c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : apiBodyLimit(c, next)));

  app.get('/healthz', async (c) => {
    c.header('Cache-Control', 'no-store');
    try {
      await db.query('select 1');
    } catch {
      return c.json({ status: 'error', error: errorBody('DB_UNAVAILABLE', 'database unavailable').error }, 503);
    }
    const bundle = await bundleFile.get();
    return c.json({ status: 'ok', bundleVersion: bundle && !bundle.invalid ? bundle.version : null });
  });

  app.get('/v1/bundle', async (c) => {
    const answer = answerBundle(await bundleFile.get(), c.req.header('If-None-Match'), c.req.header('Accept-Encoding'));
    for (const [name, value] of Object.entries(answer.headers)) c.header(name, value);
    if (answer.body === null || answer.status === 304) return c.body(null, 304);
    return c.body(typeof answer.body === 'string' ? answer.body : answer.body.slice(), answer.status);
  });

  app.get('/v1/roots', async (c) => {
    const roots = await rootsDir.get();
    c.header('ETag', roots.etag);
    c.header('Cache-Control', NO_CACHE);
    if (ifNoneMatchHits(c.req.header('If-None-Match'), roots.etag)) return c.body(null, 304);
    c.header('Content-Type', 'application/json');
    return c.body(roots.bytes.slice(), 200);
  });

  app.route('/v1/venues', venueLookupRoutes(db));
  app.route(
    '/',
    syncRoutes({
      db,
      dataDir,
      logger,
      now: options.now ?? (() => Math.floor(Date.now() / 1000)),
      buckets: new TokenBuckets(options.rateLimit ?? DEFAULT_RATE_LIMIT),
      trustProxy: options.trustProxy ?? false,
    }),
  );
  app.all('/v1/*', (c) => c.json(errorBody('NOT_FOUND', `no API route for ${c.req.method} ${c.req.path}`), 404));

  if (options.demo) {
    app.get('/demo', async (c) => {
      c.header('Cache-Control', 'no-store');
      return c.html(await demoPage(db, dataDir, originOf(c)));
    });
    app.get('/demo.css', (c) => {
      c.header('Cache-Control', NO_CACHE);
      c.header('Content-Type', 'text/css; charset=utf-8');
      return c.body(demoCss);
    });
    app.get('/demo.json', async (c) => {
      c.header('Cache-Control', 'no-store');
      return c.json(await demoJson(db, dataDir, originOf(c)));
    });
  }

  app.get('*', async (c) => {
    const rawPath = new URL(c.req.url).pathname;
    const file = resolveStaticPath(distRoot, rawPath);
    if (!file) return c.json(errorBody('NOT_FOUND', 'not found'), 404);
    const lastSegment = rawPath.slice(rawPath.lastIndexOf('/') + 1);
    const hasExtension = lastSegment.includes('.');

    const info = await stat(file).catch(() => undefined);
    if (info?.isFile()) return sendFile(c, file, info, rawPath);
    // A missing file with an extension is a 404 — never index.html, which a module script would
    // reject as "Expected a JavaScript module, got text/html".
    if (hasExtension) return c.json(errorBody('NOT_FOUND', 'not found'), 404);
    // SPA fallback: /, /v, /c, /scan, /history, … (the fragment carrying a QR never reaches us).
    const index = join(distRoot, 'index.html');
    const indexInfo = await stat(index).catch(() => undefined);
    if (!indexInfo?.isFile()) {
      return c.json(errorBody('APP_NOT_BUILT', 'the app is not built (run `npm run build`)'), 503);
    }
    return sendFile(c, index, indexInfo, '/index.html');
  });

  return app;
}

async function sendFile(c: Context, file: string, info: { mtimeMs: number; size: number }, urlPath: string) {
  const name = file.slice(file.lastIndexOf(sep) + 1);
  const immutable = urlPath.startsWith('/assets/') && !isNoCacheFile(name);
  c.header('Cache-Control', immutable ? IMMUTABLE : NO_CACHE);
  c.header('Content-Type', CONTENT_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream');
  const etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
  c.header('ETag', etag);
  if (ifNoneMatchHits(c.req.header('If-None-Match'), etag)) return c.body(null, 304);
  return c.body(new Uint8Array(await readFile(file)), 200);
}
