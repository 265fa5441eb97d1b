/**
 * Losing the primary: a pg_auto_failover formation on loopback (monitor, primary, synchronous standby:
 * test/support/pg-auto-failover.ts) behind the real server process (server/main.ts, DATABASE_URL = the
 * formation's multi-host URI). Phones with offline outboxes (the real store and sync client) upload check-ins;
 * after the first batches are acknowledged the primary's machine is "lost" (keeper and PostgreSQL SIGKILLed
 * while uploads are in flight). The standby is promoted, the server finds it by itself, the phones' retries
 * get through, and every check-in is stored exactly once: none lost (what was acknowledged before the kill
 * was already on the standby), none doubled (a batch sent again is answered "duplicate"). The old primary,
 * restarted, rejoins as the standby and holds the same rows.
 *
 * Prints the failover figures docs/BENCHMARKS.md quotes (time from the kill to the first stored upload).
 */
import 'fake-indexeddb/auto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPublishedBundle } from '../../server/authority';
import { type Db, openDb } from '../../server/db';
import { claimDemoDir, demoInit } from '../../server/demo';
import { migrate } from '../../server/migrations';
import type { VerifiedBundle } from '../../src/core/bundle';
import { decodeVenue, type SignedVenue } from '../../src/core/venue';
import { offlineCheckIns, syncUntilEmpty } from '../support/outbox-phones';
import { type AutoFailoverCluster, autoFailoverSkipReason, startAutoFailover } from '../support/pg-auto-failover';
import { type ServerProcess, startServerProcess } from '../support/server-process';

const NOW = Math.floor(Date.now() / 1000);
const PHONES = 4;
const PER_PHONE = 250;
/** Acknowledged uploads before the primary is killed: the rest of the phones' batches meet the failover. */
const KILL_AFTER_UPLOADS = 3;

const skip = autoFailoverSkipReason();
if (skip) console.warn(`\n*** failover: SKIPPED (the test needs pg_auto_failover): ${skip} ***\n`);

interface Upload {
  /** When the request was sent and answered (performance.now()). */
  readonly sentAt: number;
  readonly at: number;
  readonly status: number;
  readonly code?: string;
  readonly statuses: readonly string[];
}

describe.skipIf(skip)('losing the PostgreSQL primary (pg_auto_failover on loopback)', () => {
  let cluster: AutoFailoverCluster;
  let root: string;
  let db: Db;
  let server: ServerProcess;
  let bundle: VerifiedBundle;
  let venue: SignedVenue;
  let url: string;

  beforeAll(async () => {
    cluster = await startAutoFailover();
    // The formation's URI names no user (libpq would take the OS user's name); node-postgres needs one.
    url = cluster.url.replace('postgres://', 'postgres://postgres@');
    root = mkdtempSync(join(tmpdir(), 'singgah-failover-'));
    const dataDir = join(root, 'data');
    claimDemoDir(dataDir, NOW - 60);
    db = await openDb({ dataDir, databaseUrl: url });
    await migrate(db);
    await demoInit(dataDir, db, NOW - 60, 'http://127.0.0.1');
    const published = readPublishedBundle(dataDir);
    if (!published) throw new Error('demo-init published no bundle');
    bundle = published;
    const [row] = await db.query<{ code: string }>('select code from venues order by id limit 1');
    const decoded = decodeVenue(row?.code ?? '');
    if (!decoded.ok) throw new Error(decoded.error.code);
    venue = decoded.value;
    // One client address here, so no rate limit.
    server = await startServerProcess(dataDir, join(root, 'no-dist'), undefined, {
      env: { DATABASE_URL: url, SINGGAH_RATE_LIMIT: '0' },
    });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await db?.close();
    await cluster?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  }, 60_000);

  it('phones upload through the failover: every check-in stored exactly once, the server follows by itself', async () => {
    const phones = await Promise.all(
      Array.from({ length: PHONES }, (_, p) => offlineCheckIns(`failover-${p}`, venue, PER_PHONE, NOW - 3 * 3600)),
    );
    const uploads: Upload[] = [];
    let killedAt: number | undefined;
    let firstAcked: string | undefined;
    let ackLost = false;
    const watching = (async (url: string | URL | Request, init?: RequestInit) => {
      const sentAt = performance.now();
      const res = await fetch(url, init);
      if (!String(url).endsWith('/v1/checkins')) return res;
      const body = (await res.clone().json()) as {
        results?: { status: string }[];
        error?: { code: string };
      };
      uploads.push({
        sentAt,
        at: performance.now(),
        status: res.status,
        statuses: body.results?.map((r) => r.status) ?? [],
        ...(body.error ? { code: body.error.code } : {}),
      });
      if (res.status !== 200) return res;
      firstAcked ??= String(init?.body);
      if (killedAt === undefined && uploads.filter((u) => u.status === 200).length >= KILL_AFTER_UPLOADS) {
        // The other phones' requests are in flight now.
        killedAt = performance.now();
        cluster.kill('node1');
      } else if (killedAt !== undefined && !ackLost) {
        // The first batch answered after the kill: its answer never reaches the phone, which sends it again.
        ackLost = true;
        throw new TypeError('connection reset after the server committed');
      }
      return res;
    }) as typeof fetch;

    await Promise.all(
      phones.map((phone) =>
        syncUntilEmpty(phone.store, { bundle, origin: server.url, timeoutMs: 10_000, fetch: watching }),
      ),
    );
    expect(killedAt).toBeDefined();
    const nodes = await cluster.states();
    expect(nodes.find((n) => n.name === 'node1')?.reported).toBe('primary'); // its last report: it died as one
    expect(['wait_primary', 'primary']).toContain(nodes.find((n) => n.name === 'node2')?.reported);

    // Exactly once: every check-in and check-out of every phone, each one row.
    const ids = phones.flatMap((p) => p.ids);
    const rows = await db.query<{ id: string; op: string }>(
      'select id, op from checkin_events where id = any($1::text[])',
      [ids],
    );
    expect(rows.filter((r) => r.op === 'checkin')).toHaveLength(PHONES * PER_PHONE);
    expect(new Set(rows.map((r) => `${r.id}/${r.op}`)).size).toBe(rows.length);
    expect(rows).toHaveLength(phones.reduce((n, p) => n + p.items, 0));
    for (const phone of phones) {
      const sync = await phone.store.loadSync();
      if (!sync.ok) throw new Error(sync.error.code);
      expect(sync.value.waiting).toBe(0);
      expect(sync.value.deadLetters).toEqual([]);
    }

    // The server found the new primary by itself: uploads were stored after the kill, and while it looked the
    // phones got at most a 503 to retry (never a 500).
    const after = uploads.filter((u) => u.at > (killedAt ?? 0));
    // Sent after the kill and stored: only the new primary can have stored it.
    const recovered = after.find((u) => u.status === 200 && u.sentAt > (killedAt ?? 0));
    expect(recovered).toBeDefined();
    expect(uploads.filter((u) => u.status !== 200 && !(u.status === 503 && u.code === 'DB_UNAVAILABLE'))).toEqual([]);
    // The batch whose answer was lost was sent again and recognised, not stored twice (counted above).
    expect(ackLost).toBe(true);
    expect(after.flatMap((u) => u.statuses)).toContain('duplicate');

    // A batch acknowledged before the kill, sent again to the new primary: all there, none doubled.
    const again = await fetch(`${server.url}/v1/checkins`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: firstAcked,
    });
    expect(again.status).toBe(200);
    const statuses = ((await again.json()) as { results: { status: string }[] }).results.map((r) => r.status);
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses)).toEqual(new Set(['duplicate']));

    // The lost machine comes back: it rejoins as the standby and holds the same rows.
    cluster.restart('node1');
    await cluster.waitFor(
      (n) => n.some((x) => x.name === 'node1' && x.reported === 'secondary' && x.goal === 'secondary'),
      'node1 back as a standby',
    );
    const node1 = nodes.find((n) => n.name === 'node1');
    const standby = await openDb({
      dataDir: root,
      databaseUrl: `postgres://postgres@127.0.0.1:${node1?.port}/postgres`,
    });
    try {
      const [{ n }] = await standby.query<{ n: string }>(
        'select count(*) as n from checkin_events where id = any($1::text[])',
        [ids],
      );
      expect(Number(n)).toBe(rows.length);
    } finally {
      await standby.close();
    }

    const lost = phones.reduce((n, p) => n + p.items, 0) - rows.length;
    console.log(
      `failover: ${PHONES} phones, ${rows.length} items; kill → first upload stored by the new primary ${Math.round(
        (recovered?.at ?? 0) - (killedAt ?? 0),
      )} ms; ${after.filter((u) => u.status === 503).length} uploads answered 503 meanwhile; ` +
        `${after.flatMap((u) => u.statuses).filter((s) => s === 'duplicate').length} items answered duplicate after the kill; lost ${lost}`,
    );
  }, 180_000);
});
