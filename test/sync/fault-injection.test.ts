/**
 * The sync client's delivery guarantee, in Node: the real sync client (src/sync, the store on fake-indexeddb) against the REAL
 * server (server/app.ts on PGlite, real keys and bundle from demo-init) through a loopback proxy (node:http)
 * that fails 30 % of requests — a 500 without forwarding, a dropped connection, or a timeout **after the
 * server committed** (the proxy forwards, reads the server's answer, and never replies). 1,000 check-ins made
 * offline must end up on the server exactly once, the outbox empty, no dead letters.
 *
 * Then the same with the client dropped mid-batch: a request reaches the server and commits, and the client
 * instance dies before it can settle (its store closed under it, as when a page is closed mid-sync). A new
 * instance on the same database finishes the job; the re-sent items are answered "duplicate", the server
 * still holds each exactly once.
 */
import 'fake-indexeddb/auto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app';
import { readPublishedBundle } from '../../server/authority';
import { type Db, openDb } from '../../server/db';
import { claimDemoDir, demoInit } from '../../server/demo';
import { migrate } from '../../server/migrations';
import type { VerifiedBundle } from '../../src/core/bundle';
import { decodeVenue, type SignedVenue } from '../../src/core/venue';
import { createStore, type Store } from '../../src/store';
import { runSync } from '../../src/sync/sync-run';
import { offlineCheckIns, syncUntilEmpty } from '../support/outbox-phones';

const ORIGIN = 'http://127.0.0.1';
const N = 1000;
const FAILURE_RATE = 0.3;
/** The client's per-request timeout: the proxy's "committed, then silent" case ends in it. */
const CLIENT_TIMEOUT_MS = 1500;

/** A small seeded PRNG (mulberry32): the same faults on every run. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Fault = 'none' | '500' | 'drop' | 'timeout-after-commit';

/** node:http proxy in front of the server; fails FAILURE_RATE of requests, a third each way. */
function faultyProxy(upstreamPort: number, seed: number) {
  const random = prng(seed);
  const faults: Record<Fault, number> = { none: 0, '500': 0, drop: 0, 'timeout-after-commit': 0 };
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const r = random();
    const fault: Fault =
      r >= FAILURE_RATE
        ? 'none'
        : r < FAILURE_RATE / 3
          ? '500'
          : r < (2 * FAILURE_RATE) / 3
            ? 'drop'
            : 'timeout-after-commit';
    faults[fault]++;
    if (fault === '500') {
      req.resume();
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"code":"INJECTED","message":"x"}}');
      return;
    }
    if (fault === 'drop') {
      req.socket.destroy();
      return;
    }
    const upstream = request(
      { host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        if (fault === 'timeout-after-commit') {
          // The server has answered, so it has committed; the client never hears of it.
          up.resume();
          return;
        }
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => req.socket.destroy());
    req.pipe(upstream);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return {
    faults,
    listen: () =>
      new Promise<number>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
      ),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

let root: string;
let db: Db;
let bundle: VerifiedBundle;
let venue: SignedVenue;
let stopServer: () => Promise<void>;
let serverPort: number;
const NOW = Math.floor(Date.now() / 1000);

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'singgah-fault-'));
  const dataDir = join(root, 'data');
  claimDemoDir(dataDir, NOW - 60);
  db = await openDb({ dataDir });
  await migrate(db);
  await demoInit(dataDir, db, NOW - 60, ORIGIN);
  const published = readPublishedBundle(dataDir);
  if (!published) throw new Error('demo-init published no bundle');
  bundle = published;
  expect(bundle.payload.policy.uploadCheckIns).toBe(true);
  const row = (await db.query<{ code: string }>('select code from venues order by id limit 1'))[0];
  const decoded = decodeVenue(row?.code ?? '');
  if (!decoded.ok) throw new Error(decoded.error.code);
  venue = decoded.value;
  const app = createApp({
    db,
    dataDir,
    distDir: join(root, 'dist'),
    demo: false,
    logger: pino({ level: 'silent' }),
    rateLimit: { perSecond: 0, burst: 0 },
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  serverPort = (server.address() as AddressInfo).port;
  stopServer = () => new Promise<void>((resolve) => server.close(() => resolve()));
}, 120_000);

afterAll(async () => {
  await stopServer?.();
  await db?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

const offline = (name: string) => offlineCheckIns(name, venue, N, NOW - 3 * 3600);

async function serverRows(ids: readonly string[]) {
  const rows = await db.query<{ id: string; op: string }>(
    'select id, op from checkin_events where id = any($1::text[])',
    [[...ids]],
  );
  return rows;
}

const syncAll = (store: Store, origin: string, fetchFn?: typeof fetch) =>
  syncUntilEmpty(store, { bundle, origin, timeoutMs: CLIENT_TIMEOUT_MS, ...(fetchFn ? { fetch: fetchFn } : {}) });

describe('sync through a proxy failing 30 % of requests', () => {
  it('1,000 offline check-ins reach the real server exactly once; outbox empty; no dead letters', async () => {
    const proxy = faultyProxy(serverPort, 6);
    const port = await proxy.listen();
    try {
      const { store, ids, items } = await offline('fault-1');
      const results = await syncAll(store, `http://127.0.0.1:${port}`);

      const rows = await serverRows(ids);
      expect(rows.filter((r) => r.op === 'checkin')).toHaveLength(N);
      expect(new Set(rows.filter((r) => r.op === 'checkin').map((r) => r.id)).size).toBe(N);
      expect(rows).toHaveLength(items);
      const sync = await store.loadSync();
      if (!sync.ok) throw new Error(sync.error.code);
      expect(sync.value.waiting).toBe(0);
      expect(sync.value.deadLetters).toEqual([]);
      // The faults really happened, every kind of them, and the client really retried through them.
      expect(proxy.faults['500']).toBeGreaterThan(0);
      expect(proxy.faults.drop).toBeGreaterThan(0);
      expect(proxy.faults['timeout-after-commit']).toBeGreaterThan(0);
      const failed = results.filter((r) => r.kind === 'finished' && !r.ok).length;
      expect(failed).toBeGreaterThan(0);
      store.close();
    } finally {
      await proxy.close();
    }
  }, 240_000);

  it('the client dropped mid-batch (after the server committed) and a new one on the same database', async () => {
    const proxy = faultyProxy(serverPort, 11);
    const port = await proxy.listen();
    const origin = `http://127.0.0.1:${port}`;
    try {
      const first = await offline('fault-2');
      // Instance 1 gets through a few batches, then dies in the middle of one: its request is answered by the
      // server (committed) but the instance is gone before it can settle the batch.
      let uploads = 0;
      let dropped = false;
      const dying = (async (url: string | URL | Request, init?: RequestInit) => {
        const isUpload = String(url).endsWith('/v1/checkins');
        if (isUpload) uploads++;
        if (isUpload && uploads === 4 && !dropped) {
          dropped = true;
          await fetch(url, { ...init, signal: null })
            .then((r) => r.arrayBuffer())
            .catch(() => undefined);
          first.store.close();
          throw new TypeError('page closed');
        }
        return fetch(url, init);
      }) as typeof fetch;
      const partial = await runSync({
        store: first.store,
        bundle,
        origin,
        force: true,
        locks: null,
        random: () => 0,
        fetch: dying,
        timeoutMs: CLIENT_TIMEOUT_MS,
      });
      expect(dropped).toBe(true);
      expect(partial.kind).toBe('finished');

      // The "reopened page": a new instance on the same database.
      const reopened = createStore({ name: 'fault-2' });
      const waiting = await reopened.loadSync();
      if (!waiting.ok) throw new Error(waiting.error.code);
      expect(waiting.value.waiting).toBeGreaterThan(0);
      expect(waiting.value.waiting).toBeLessThan(first.items);
      const statuses: string[] = [];
      const watching = (async (url: string | URL | Request, init?: RequestInit) => {
        const res = await fetch(url, init);
        if (String(url).endsWith('/v1/checkins') && res.status === 200) {
          const body = (await res.clone().json()) as { results: { status: string }[] };
          statuses.push(...body.results.map((r) => r.status));
        }
        return res;
      }) as typeof fetch;
      await syncAll(reopened, origin, watching);

      const rows = await serverRows(first.ids);
      expect(rows.filter((r) => r.op === 'checkin')).toHaveLength(N);
      expect(rows).toHaveLength(first.items);
      // The batch the first instance never settled was sent again and recognised.
      expect(statuses).toContain('duplicate');
      const done = await reopened.loadSync();
      if (!done.ok) throw new Error(done.error.code);
      expect(done.value.waiting).toBe(0);
      expect(done.value.deadLetters).toEqual([]);
      reopened.close();
    } finally {
      await proxy.close();
    }
  }, 240_000);
});
