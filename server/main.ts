/**
 * The server process. `startServer(options)` is what tests use (port 0 → a free port);
 * `main()` reads the environment, used by `npm start` (scripts/start.mjs) and `npx tsx server/main.ts`.
 *
 * Environment: PORT (8080), HOST (0.0.0.0), SINGGAH_DATA_DIR (.data), SINGGAH_DIST (dist),
 * SINGGAH_DEMO (on; 0/false/off disables /demo), DATABASE_URL (PostgreSQL instead of PGlite),
 * SINGGAH_PUBLIC_ORIGIN (origin for demo links, e.g. behind a TLS proxy), LOG_LEVEL (info).
 */
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { serve } from '@hono/node-server';
import pino, { type Logger } from 'pino';
import { createApp } from './app';
import { openDb } from './db';
import { migrate } from './migrations';

export interface ServerOptions {
  readonly port?: number;
  readonly host?: string;
  readonly dataDir?: string;
  readonly distDir?: string;
  readonly demo?: boolean;
  readonly databaseUrl?: string | undefined;
  readonly publicOrigin?: string | undefined;
  readonly logger?: Logger;
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:41234 (a wildcard host is shown as localhost). */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? pino({ level: process.env.LOG_LEVEL ?? 'info' });
  const dataDir = resolve(options.dataDir ?? '.data');
  const distDir = resolve(options.distDir ?? 'dist');
  const host = options.host ?? '0.0.0.0';
  const db = await openDb({ dataDir, databaseUrl: options.databaseUrl });
  try {
    const applied = await migrate(db);
    if (applied.length > 0) logger.info({ applied }, 'database migrated');
    const app = createApp({
      db,
      dataDir,
      distDir,
      demo: options.demo ?? true,
      logger,
      publicOrigin: options.publicOrigin,
    });
    const server = await new Promise<ReturnType<typeof serve>>((resolveListen, reject) => {
      const s = serve({ fetch: app.fetch, port: options.port ?? 8080, hostname: host }, () => resolveListen(s));
      s.once('error', reject);
    });
    const port = (server.address() as AddressInfo).port;
    const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
    let closing: Promise<void> | undefined;
    return {
      url: `http://${shownHost}:${port}`,
      port,
      close() {
        closing ??= (async () => {
          await new Promise<void>((done) => {
            server.close(() => done());
            // keep-alive connections would hold close() open
            if ('closeAllConnections' in server) server.closeAllConnections();
          });
          await db.close();
        })();
        return closing;
      },
    };
  } catch (e) {
    await db.close();
    throw e;
  }
}

const isOff = (value: string | undefined) => value !== undefined && /^(0|false|off|no)$/i.test(value.trim());

export async function main(env: NodeJS.ProcessEnv = process.env): Promise<RunningServer> {
  const logger = pino({ level: env.LOG_LEVEL ?? 'info' });
  const port = env.PORT ? Number.parseInt(env.PORT, 10) : 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be 0–65535, got ${env.PORT}`);
  const demo = !isOff(env.SINGGAH_DEMO);
  const running = await startServer({
    port,
    host: env.HOST || '0.0.0.0',
    dataDir: env.SINGGAH_DATA_DIR || '.data',
    distDir: env.SINGGAH_DIST || 'dist',
    demo,
    databaseUrl: env.DATABASE_URL || undefined,
    publicOrigin: env.SINGGAH_PUBLIC_ORIGIN || undefined,
    logger,
  });
  const lines = [
    '',
    `  Singgah is running:  ${running.url}/`,
    demo ? `  Demo QR codes:       ${running.url}/demo` : '  Demo page:           off (SINGGAH_DEMO=0)',
    `  Health:              ${running.url}/healthz`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
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
