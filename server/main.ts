/**
 * The server process. `startServer(options)` is what tests use (port 0 → a free port);
 * `main()` reads the environment, used by `npm run serve` (production), `npm start` (scripts/start.mjs, after
 * demo-init) and `npx tsx server/main.ts`.
 *
 * The server never creates or rewrites keys or the trust anchor: it needs `keys/trust.json` (made by
 * `singgah keys create` on the signing machine) and refuses to start without it. The demo pages are served only
 * from a data directory demo-init made (its marker, server/demo-marker.ts); this module never imports the demo
 * set-up (`the-server-never-creates-keys` in .dependency-cruiser.cjs).
 *
 * Environment: PORT (8080), HOST (0.0.0.0), SINGGAH_DATA_DIR (.data), SINGGAH_DIST (dist),
 * SINGGAH_DEMO (unset: on exactly in a demo data directory; 0/false/off/no: off; 1/true/on/yes: on, and the server
 * refuses to start outside a demo data directory), DATABASE_URL (PostgreSQL instead of PGlite),
 * SINGGAH_PUBLIC_ORIGIN (origin for demo links; default the listening address), LOG_LEVEL (info),
 * SINGGAH_RATE_LIMIT (`<per second>/<burst>`, default 10/60, 0 = off), SINGGAH_TRUST_PROXY (1: clients are
 * the last X-Forwarded-For hop), SINGGAH_DEMO_AUTO_REVIEW (1: in demo mode only, the server itself reviews and
 * publishes each sealed case upload with the data dir's keys — what `singgah case review --approve-all` does).
 *
 * Shutdown (SIGTERM/SIGINT): stop accepting at once, let requests in flight finish (up to
 * SHUTDOWN_DRAIN_MS), then close the database — a phone's upload that was being stored completes.
 */
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getRequestListener } from '@hono/node-server';
import pino, { type Logger } from 'pino';
import { createApp, SECURITY_HEADERS } from './app';
import { approveAll } from './case-review';
import { type Db, openDb } from './db';
import { DEMO_MARKER_FILE, isDemoDataDir } from './demo-marker';
import { readTrust, trustFilePath } from './keys';
import { migrate } from './migrations';
import { parseRateLimit, type RateLimit } from './rate-limit';
import { type RetentionJob, startRetention } from './retention';
import { answerBundle, type BundleAnswer, BundleFile, type LoadedBundle } from './routes/bundle';

/** How long in-flight requests get to finish after a shutdown signal before connections are cut. */
export const SHUTDOWN_DRAIN_MS = 10_000;
/** How stale the fast path's view of the bundle file may be: it spares two stat calls per request. */
const BUNDLE_RECHECK_MS = 500;

export interface ServerOptions {
  readonly port?: number;
  readonly host?: string;
  readonly dataDir?: string;
  readonly distDir?: string;
  /** The demo pages: default on exactly in a demo data directory; `true` elsewhere refuses to start. */
  readonly demo?: boolean;
  readonly databaseUrl?: string | undefined;
  readonly publicOrigin?: string | undefined;
  readonly logger?: Logger;
  readonly rateLimit?: RateLimit;
  readonly trustProxy?: boolean;
  /**
   * Demo only: review every sealed case upload right after it is stored, with the data dir's cases and notices
   * keys (server/case-review.ts approveAll). Refused without `demo`: a real server holds neither key.
   */
  readonly demoAutoReview?: boolean;
  /** Server clock in Unix seconds (tests). */
  readonly now?: () => number;
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:41234 (a wildcard host is shown as localhost). */
  readonly url: string;
  readonly port: number;
  /** Whether the demo pages are served. */
  readonly demo: boolean;
  close(): Promise<void>;
}

/**
 * The trust anchor the published bundle is checked against, or a refusal naming what creates it: the server
 * only ever reads it.
 */
function checkTrustAnchor(dataDir: string): void {
  const path = trustFilePath(dataDir);
  if (!existsSync(path)) {
    throw new Error(
      `no trust anchor at ${path}, and the server never creates keys or trust anchors. On the signing machine run ` +
        '`singgah keys create` and `singgah bundle sign POLICY.json`, then give this server its `keys/trust.json` ' +
        'and `published/` (docs/OPERATIONS.md §1). For the demo, run `npm start`.',
    );
  }
  readTrust(dataDir); // a malformed anchor stops the start too (TRUST_INVALID)
}

/** Whether to serve the demo pages: only from a directory demo-init made, and not when switched off. */
function demoMode(dataDir: string, wanted: boolean | undefined): boolean {
  const demoDir = isDemoDataDir(dataDir);
  if (wanted === true && !demoDir) {
    throw new Error(
      `the demo was asked for (SINGGAH_DEMO), but ${dataDir} is not a demo data directory (no ${DEMO_MARKER_FILE}): ` +
        'the demo pages are served only from a directory `singgah demo-init` (`npm start`) created',
    );
  }
  return wanted ?? demoDir;
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? pino({ level: process.env.LOG_LEVEL ?? 'info' });
  const dataDir = resolve(options.dataDir ?? '.data');
  const distDir = resolve(options.distDir ?? 'dist');
  const host = options.host ?? '0.0.0.0';
  // All before the database opens: a refused start leaves the directory as it was.
  const demo = demoMode(dataDir, options.demo);
  if (options.demoAutoReview && !demo) {
    throw new Error('SINGGAH_DEMO_AUTO_REVIEW needs the demo: a real server never holds the review keys');
  }
  checkTrustAnchor(dataDir);
  const db = await openDb({
    dataDir,
    databaseUrl: options.databaseUrl,
    onPrimary: ({ kind, host }) =>
      kind === 'primary'
        ? logger.info({ host }, 'database primary found')
        : logger.warn({ host }, 'database primary lost'),
  });
  let retention: RetentionJob | undefined;
  try {
    const applied = await migrate(db);
    if (applied.length > 0) logger.info({ applied }, 'database migrated');
    retention = startRetention({ db, dataDir, logger, now: options.now ?? (() => Math.floor(Date.now() / 1000)) });
    const bundleFile = new BundleFile(dataDir, logger);
    let listeningUrl = '';
    const app = createApp({
      bundleFile,
      db,
      dataDir,
      distDir,
      demo,
      logger,
      // Until listen() answers, no request can arrive; after, the links name the address actually bound.
      publicOrigin: options.publicOrigin ?? (() => listeningUrl),
      now: options.now,
      rateLimit: options.rateLimit,
      trustProxy: options.trustProxy,
      afterCaseStored: options.demoAutoReview
        ? demoReviewer(db, dataDir, logger, options.now ?? (() => Math.floor(Date.now() / 1000)))
        : undefined,
    });
    const toHono = getRequestListener(app.fetch);
    const server = createServer((req, res) => {
      if (req.url === '/v1/bundle' && req.method === 'GET') serveBundle(bundleFile, logger, req, res);
      else void toHono(req, res);
    });
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 8080, host, () => resolveListen());
    });
    const port = (server.address() as AddressInfo).port;
    const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
    listeningUrl = `http://${shownHost}:${port}`;
    let closing: Promise<void> | undefined;
    return {
      url: listeningUrl,
      port,
      demo,
      close() {
        closing ??= (async () => {
          await new Promise<void>((done) => {
            // Stops listening now; the callback runs once every connection has ended.
            server.close(() => done());
            // Idle keep-alive connections would hold close() open: close them now and, as requests in flight
            // finish, again every 50 ms. Past the drain time, everything is cut.
            server.closeIdleConnections();
            const sweep = setInterval(() => server.closeIdleConnections(), 50);
            const cut = setTimeout(() => server.closeAllConnections(), SHUTDOWN_DRAIN_MS);
            server.once('close', () => {
              clearInterval(sweep);
              clearTimeout(cut);
            });
          });
          await retention?.stop();
          await db.close();
        })();
        return closing;
      },
    };
  } catch (e) {
    await retention?.stop();
    await db.close();
    throw e;
  }
}

/**
 * The demo's automatic review: after each stored upload, publish every pending one that passes the checks, one
 * review at a time (a second upload during a review triggers one more run after it).
 */
function demoReviewer(db: Db, dataDir: string, logger: Logger, now: () => number): () => void {
  let running: Promise<void> | undefined;
  let again = false;
  const run = async (): Promise<void> => {
    do {
      again = false;
      try {
        const { published, pending } = await approveAll(db, dataDir, now());
        const notices = published.reduce((n, p) => n + p.seqs.length, 0);
        logger.info({ reports: published.length, notices, pending: pending.length }, 'demo: case reviewed');
      } catch (e) {
        logger.error({ err: e }, 'demo: case review failed');
      }
    } while (again);
    running = undefined;
  };
  return () => {
    if (running) again = true;
    else running = run();
  };
}

/**
 * Header lines of an answer, flat as writeHead takes them; built once per memoized answer (routes/bundle.ts
 * answersOf).
 */
const rawHeadersByAnswer = new WeakMap<BundleAnswer, string[]>();

function rawHeadersOf(answer: BundleAnswer): string[] {
  const known = rawHeadersByAnswer.get(answer);
  if (known) return known;
  // Content-Length up front: without it Node falls back to chunked encoding (an extra framing write per
  // response). A 304 has none: its length would have to be the 200's (RFC 9110 §8.6), and it carries no body.
  const length: Record<string, string> =
    answer.body === null ? {} : { 'Content-Length': String(Buffer.byteLength(answer.body)) };
  const raw = Object.entries({ ...answer.headers, ...SECURITY_HEADERS, ...length }).flat();
  rawHeadersByAnswer.set(answer, raw);
  return raw;
}

/**
 * `GET /v1/bundle` straight on Node's http, past Hono: every phone polls it, and the decision (routes/bundle.ts
 * answerBundle, shared with the Hono route) plus prebuilt bytes and headers is all it needs. Same headers,
 * same log line. While the bundle is fresh the answer is written synchronously, with no promise in between.
 */
function serveBundle(bundleFile: BundleFile, logger: Logger, req: IncomingMessage, res: ServerResponse): void {
  const started = performance.now();
  const send = (bundle: LoadedBundle | undefined) => {
    const answer = answerBundle(bundle, req.headers['if-none-match'], req.headers['accept-encoding']);
    res.writeHead(answer.status, rawHeadersOf(answer));
    res.end(answer.body ?? undefined);
    if (logger.isLevelEnabled('info')) {
      logger.info(
        { method: 'GET', route: '/v1/bundle', status: answer.status, ms: Math.round(performance.now() - started) },
        'request',
      );
    }
  };
  const fresh = bundleFile.fresh(BUNDLE_RECHECK_MS);
  if (fresh) {
    send(fresh);
    return;
  }
  bundleFile.get(BUNDLE_RECHECK_MS).then(send, (e: unknown) => {
    logger.error({ err: e, route: '/v1/bundle' }, 'request failed');
    res.writeHead(500, { 'Content-Type': 'application/json', ...SECURITY_HEADERS });
    res.end(JSON.stringify({ error: { code: 'INTERNAL', message: 'internal server error' } }));
  });
}

/** `SINGGAH_PUBLIC_ORIGIN`: an http(s) origin such as `https://singgah.example`, or unset. Throws on anything else. */
export function parsePublicOrigin(text: string | undefined): string | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  let url: URL | undefined;
  try {
    url = new URL(text.trim());
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol) || url.origin !== text.trim().replace(/\/$/, '')) {
    throw new Error(
      `SINGGAH_PUBLIC_ORIGIN must be an origin like https://singgah.example, got ${JSON.stringify(text)}`,
    );
  }
  return url.origin;
}

/** `SINGGAH_DEMO`: unset or empty → undefined (the data directory decides), else an explicit off or on. */
export function parseDemoSwitch(text: string | undefined): boolean | undefined {
  const value = (text ?? '').trim();
  if (value === '') return undefined;
  if (/^(0|false|off|no)$/i.test(value)) return false;
  if (/^(1|true|on|yes)$/i.test(value)) return true;
  throw new Error(`SINGGAH_DEMO must be 0 or 1 (or unset), got ${JSON.stringify(text)}`);
}

export async function main(env: NodeJS.ProcessEnv = process.env): Promise<RunningServer> {
  const logger = pino({ level: env.LOG_LEVEL ?? 'info' });
  const port = env.PORT ? Number.parseInt(env.PORT, 10) : 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be 0–65535, got ${env.PORT}`);
  const demoSwitch = parseDemoSwitch(env.SINGGAH_DEMO);
  const running = await startServer({
    port,
    host: env.HOST || '0.0.0.0',
    dataDir: env.SINGGAH_DATA_DIR || '.data',
    distDir: env.SINGGAH_DIST || 'dist',
    demo: demoSwitch,
    databaseUrl: env.DATABASE_URL || undefined,
    publicOrigin: parsePublicOrigin(env.SINGGAH_PUBLIC_ORIGIN),
    logger,
    rateLimit: parseRateLimit(env.SINGGAH_RATE_LIMIT),
    trustProxy: env.SINGGAH_TRUST_PROXY === '1',
    demoAutoReview: env.SINGGAH_DEMO_AUTO_REVIEW === '1',
  });
  const lines = [
    '',
    `  Singgah is running:  ${running.url}/`,
    running.demo
      ? `  Demo QR codes:       ${running.url}/demo`
      : `  Demo page:           off (${demoSwitch === false ? 'SINGGAH_DEMO=0' : 'not a demo data directory'})`,
    `  Health:              ${running.url}/healthz`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), SHUTDOWN_DRAIN_MS + 5_000);
    force.unref();
    running.close().then(
      () => process.exit(0),
      (e: unknown) => {
        logger.error({ err: e }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return running;
}

/** Run when executed directly (`npx tsx server/main.ts`), not when imported. */
export async function runMain(): Promise<void> {
  try {
    await main();
  } catch (e) {
    process.stderr.write(`singgah server: ${(e as Error).message}\n`);
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await runMain();
