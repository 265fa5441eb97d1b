/**
 * Scale-out on one PostgreSQL: two real server processes (server/main.ts as children, two loopback
 * ports, DATABASE_URL pointing at one throwaway cluster) take a few thousand check-ins split between them,
 * concurrently, with some batches sent to both (a phone retrying on another replica, in another order). Exactly
 * one row per (id, op), none lost, spread over the hash partitions; both servers answer the same occupancy and
 * the same notices feed. The servers start together on a schema-3 database holding rows, so they also race to
 * apply migration 4 (partitioning) and must apply it once, keeping those rows.
 * Also: migration 4 moves existing rows on PGlite (the same SQL).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPublishedBundle } from '../../server/authority';
import { createCaseCode } from '../../server/case-codes';
import { approveAll } from '../../server/case-review';
import { PLAUSIBLE_OCCUPANCY_FACTOR } from '../../server/checkins';
import { type Db, openDb } from '../../server/db';
import { claimDemoDir, demoInit } from '../../server/demo';
import { CHECKIN_PARTITIONS, MIGRATIONS, migrate } from '../../server/migrations';
import { checkInProofOf } from '../../src/core/checkin-upload';
import { verifyNotice } from '../../src/core/notice';
import { type PostgresCluster, postgresSkipReason, startPostgres } from '../support/postgres';
import { sealedReport } from '../support/sealed-case';
import { type ServerProcess, startServerProcess } from '../support/server-process';

const NOW = Math.floor(Date.now() / 1000);
const HOUR = 3600;
const CHECKINS = 3000;
const BATCH = 100;
/** Requests in flight per server: enough for inserts of overlapping batches to meet inside PostgreSQL. */
const IN_FLIGHT = 4;

const pgSkip = postgresSkipReason();
if (pgSkip) console.warn(`\n*** two-servers: SKIPPED (the test needs PostgreSQL): ${pgSkip} ***\n`);

const hexId = (n: number) => n.toString(16).padStart(32, '0');
/** The schema before partitioning: the servers under test apply migration 4 themselves. */
const SCHEMA_3 = MIGRATIONS.slice(0, 3);

interface Item {
  readonly id: string;
  readonly op: 'checkin' | 'checkout';
  readonly venueId?: string;
  readonly at: number;
  readonly autoCheckOutAt?: number;
  readonly people?: number;
  readonly proof?: string;
}
interface Result {
  readonly id: string;
  readonly op: string;
  readonly status: string;
  readonly code?: string;
}

/** Deterministic shuffle (mulberry32), so a failure can be replayed. */
function shuffle<T>(xs: readonly T[], seed: number): T[] {
  let s = seed;
  const random = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Runs `jobs` with at most `limit` at a time. */
async function runLimited(jobs: readonly (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) await jobs[next++]();
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

const insertV3Rows = (db: Db, rows: readonly Item[]) =>
  db.query(
    `insert into checkin_events (id, op, venue_id, at, auto_checkout_at, people, received_at)
     select id, op, venue_id, at, auto_checkout_at, people, $7
     from unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::smallint[])
       as t(id, op, venue_id, at, auto_checkout_at, people)`,
    [
      rows.map((r) => r.id),
      rows.map((r) => r.op),
      rows.map((r) => r.venueId ?? null),
      rows.map((r) => r.at),
      rows.map((r) => r.autoCheckOutAt ?? null),
      rows.map((r) => r.people ?? null),
      NOW,
    ],
  );

const partitionCounts = async (db: Db) =>
  (
    await db.query<{ p: string; n: string | number }>(
      'select tableoid::regclass::text as p, count(*) as n from checkin_events group by 1 order by 1',
    )
  ).map((r) => ({ p: r.p, n: Number(r.n) }));

describe('migration 4 on PGlite', () => {
  it('turns checkin_events into hash partitions and moves the rows already stored', async () => {
    const root = mkdtempSync(join(tmpdir(), 'singgah-partition-'));
    const db = await openDb({ dataDir: join(root, 'data') });
    try {
      await migrate(db, SCHEMA_3);
      const rows: Item[] = Array.from({ length: 40 }, (_, i) => ({
        id: hexId(i),
        op: 'checkout',
        at: NOW - i,
      }));
      await insertV3Rows(db, rows);
      expect(await migrate(db, MIGRATIONS.slice(0, 4))).toEqual([4]);
      const [{ kind }] = await db.query<{ kind: string }>(
        "select relkind as kind from pg_class where relname = 'checkin_events'",
      );
      expect(kind).toBe('p');
      const counts = await partitionCounts(db);
      expect(counts.reduce((a, c) => a + c.n, 0)).toBe(rows.length);
      expect(counts.length).toBeGreaterThan(1);
      expect(counts.every((c) => /^checkin_events_p[0-7]$/.test(c.p))).toBe(true);
      const stored = await db.query<{ id: string; at: string | number }>(
        'select id, at from checkin_events order by id',
      );
      expect(stored.map((r) => [r.id, Number(r.at)])).toEqual(rows.map((r) => [r.id, r.at]));
      // The key still refuses a second (id, op): what makes `on conflict do nothing` ingestion idempotent.
      await expect(insertV3Rows(db, rows.slice(0, 1))).rejects.toThrow(/duplicate key/);
      // Migration 5 drops the time of receipt and keeps every row (the later ones follow).
      expect(await migrate(db)).toEqual(MIGRATIONS.slice(4).map((m) => m.version));
      expect((await partitionCounts(db)).reduce((a, c) => a + c.n, 0)).toBe(rows.length);
    } finally {
      await db.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe.skipIf(pgSkip)('two server processes on one PostgreSQL', () => {
  let root: string;
  let dataDir: string;
  let cluster: PostgresCluster | undefined;
  let db: Db;
  let venues: string[];
  let servers: ServerProcess[] = [];
  /** Stored before the servers start (schema 3): the migration they run must carry these over. */
  let earlier: Item[];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'singgah-two-servers-'));
    dataDir = join(root, 'data');
    cluster = await startPostgres({ settings: { fsync: 'off' } });
    claimDemoDir(dataDir, NOW - 60);
    db = await openDb({ dataDir, databaseUrl: cluster.url });
    await migrate(db, SCHEMA_3);
    await demoInit(dataDir, db, NOW - 60, 'http://127.0.0.1');
    venues = (await db.query<{ id: string }>('select id from venues order by id')).map((r) => r.id);
    earlier = Array.from({ length: 30 }, (_, i) => ({
      id: `e${hexId(i).slice(1)}`,
      op: 'checkin',
      venueId: venues[i % venues.length],
      at: NOW - 2 * HOUR,
      autoCheckOutAt: NOW + 4 * HOUR,
      people: 1,
    }));
    await insertV3Rows(db, earlier);

    // The children copy the environment when spawned: PostgreSQL for both, no rate limit (one client IP here).
    const saved = { url: process.env.DATABASE_URL, limit: process.env.SINGGAH_RATE_LIMIT };
    process.env.DATABASE_URL = cluster.url;
    process.env.SINGGAH_RATE_LIMIT = '0';
    try {
      const distDir = join(root, 'no-dist');
      servers = await Promise.all([startServerProcess(dataDir, distDir), startServerProcess(dataDir, distDir)]);
    } finally {
      if (saved.url === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved.url;
      if (saved.limit === undefined) delete process.env.SINGGAH_RATE_LIMIT;
      else process.env.SINGGAH_RATE_LIMIT = saved.limit;
    }
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await db?.close();
    await cluster?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const postJson = async (server: ServerProcess, path: string, body: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as unknown };
  };

  it('both started together applied migration 4 once and kept the rows stored before it', async () => {
    expect(servers[0].url).not.toBe(servers[1].url);
    const versions = await db.query<{ version: number }>('select version from schema_migrations order by version');
    expect(versions.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    const [{ kind }] = await db.query<{ kind: string }>(
      "select relkind as kind from pg_class where relname = 'checkin_events'",
    );
    expect(kind).toBe('p');
    const kept = await db.query<{ id: string }>('select id from checkin_events where id = any($1::text[])', [
      earlier.map((e) => e.id),
    ]);
    expect(kept).toHaveLength(earlier.length);
  });

  it('check-ins split between them, some sent to both concurrently: one row per (id, op), none lost; same occupancy', async () => {
    const at = (i: number) => NOW - HOUR + (i % 1800);
    const codes = await db.query<{ id: string; code: string; capacity: number }>(
      'select id, code, capacity from venues',
    );
    const codeOf = new Map(codes.map((v) => [v.id, v.code]));
    const checkins: Item[] = Array.from({ length: CHECKINS }, (_, i) => {
      const id = hexId(1_000_000 + i);
      const venueId = venues[i % venues.length];
      return {
        id,
        op: 'checkin',
        venueId,
        at: at(i),
        autoCheckOutAt: NOW + 3 * HOUR,
        people: 1 + (i % 4),
        proof: checkInProofOf(id, codeOf.get(venueId) ?? ''),
      };
    });
    // Every third visit has ended (check-out after its check-in, before now): it no longer counts as inside.
    const checkouts: Item[] = checkins
      .filter((_, i) => i % 3 === 0)
      .map((c) => ({ id: c.id, op: 'checkout', at: NOW - 60 }));
    const items = [...checkins, ...checkouts];
    // A phone sends a visit's check-out after its check-in (the server refuses one it does not know): check-ins
    // first, shuffled, then the check-outs, shuffled.
    const batchesOf = (list: Item[]) =>
      Array.from({ length: Math.ceil(list.length / BATCH) }, (_, b) => list.slice(b * BATCH, (b + 1) * BATCH));
    const phases = [batchesOf(shuffle(checkins, 8)), batchesOf(shuffle(checkouts, 9))];
    // Batch b goes to server b % 2; three in four also go to the other server at the same moment, reversed (a
    // phone that timed out and resent its outbox in another order): inserts of the same keys in opposite orders
    // meeting inside PostgreSQL. The rest reach one server only.
    const deliveriesOf = (batches: Item[][]) =>
      batches.map((batch, b) => {
        const own = { server: servers[b % 2], batch };
        return b % 4 === 3 ? [own] : [own, { server: servers[(b + 1) % 2], batch: [...batch].reverse() }];
      });

    const results: Result[] = [];
    const failures: string[] = [];
    const send = async ({ server, batch }: { server: ServerProcess; batch: Item[] }) => {
      const res = await postJson(server, '/v1/checkins', { items: batch });
      if (res.status !== 200) failures.push(`${server.url}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
      else results.push(...(res.body as { results: Result[] }).results);
    };
    for (const batches of phases) {
      const jobs = deliveriesOf(batches).map((d) => async () => {
        await Promise.all(d.map(send));
      });
      await runLimited(jobs, 2 * IN_FLIGHT);
    }
    expect(failures).toEqual([]);

    // Every (id, op) sent: "stored" by exactly one server, "duplicate" on every other delivery, never rejected.
    const byKey = new Map<string, string[]>();
    for (const r of results) byKey.set(`${r.id}|${r.op}`, [...(byKey.get(`${r.id}|${r.op}`) ?? []), r.status]);
    expect(byKey.size).toBe(items.length);
    const wrong = [...byKey].filter(
      ([, statuses]) =>
        statuses.filter((s) => s === 'stored').length !== 1 ||
        statuses.some((s) => s !== 'stored' && s !== 'duplicate'),
    );
    expect(wrong).toEqual([]);

    // The table: exactly the sent keys plus the earlier rows, once each, spread over every hash partition.
    const rows = await db.query<{ id: string; op: string }>('select id, op from checkin_events');
    const stored = new Set(rows.map((r) => `${r.id}|${r.op}`));
    expect(stored.size).toBe(rows.length);
    expect([...stored].sort()).toEqual([...items, ...earlier].map((e) => `${e.id}|${e.op}`).sort());
    const counts = await partitionCounts(db);
    expect(counts).toHaveLength(CHECKIN_PARTITIONS);
    expect(Math.min(...counts.map((c) => c.n))).toBeGreaterThan(0);

    // Occupancy computed here from what was sent, then asked of both servers.
    const ended = new Set(checkouts.map((c) => c.id));
    const expected = new Map(venues.map((v) => [v, 0]));
    for (const c of [...checkins, ...earlier]) {
      if (c.venueId && !ended.has(c.id)) expected.set(c.venueId, (expected.get(c.venueId) ?? 0) + (c.people ?? 0));
    }
    // The server caps what it answers at twice the capacity (server/checkins.ts PLAUSIBLE_OCCUPANCY_FACTOR).
    for (const v of codes) {
      if (v.capacity > 0)
        expected.set(v.id, Math.min(expected.get(v.id) ?? 0, v.capacity * PLAUSIBLE_OCCUPANCY_FACTOR));
    }
    for (const venueId of venues) {
      const answers = await Promise.all(
        servers.map(async (s) => {
          const res = await fetch(`${s.url}/v1/venues/${encodeURIComponent(venueId)}/occupancy`);
          expect(res.status).toBe(200);
          const { active, capacity, level } = (await res.json()) as Record<string, unknown>;
          return { active, capacity, level };
        }),
      );
      expect(answers[0].active, venueId).toBe(expected.get(venueId));
      expect(answers[1]).toEqual(answers[0]);
    }
  });

  it('sealed cases uploaded to both at once, then reviewed: one gap-free notices feed, the same from either server, verifiable', async () => {
    const codes = await Promise.all([0, 1, 2, 3].map(() => createCaseCode(db, NOW, 24)));
    const visit = (i: number) => ({ venueId: venues[i % venues.length], from: NOW - 3 * HOUR, to: NOW - 2 * HOUR });
    const uploads = await Promise.all(
      codes.map(({ code }, i) =>
        postJson(servers[i % 2], '/v1/cases', sealedReport(dataDir, code, [visit(i), visit(i + 1)])),
      ),
    );
    expect(uploads.map((u) => u.status)).toEqual([202, 202, 202, 202]);
    // The health officer's review, on the same PostgreSQL (`singgah case review --approve-all` with DATABASE_URL).
    await approveAll(db, dataDir, NOW);

    const feeds = await Promise.all(
      servers.map(async (s) => {
        const res = await fetch(`${s.url}/v1/notices?after=0`);
        expect(res.status).toBe(200);
        return { etag: res.headers.get('etag'), body: (await res.json()) as { notices: { seq: number }[] } };
      }),
    );
    expect(feeds[1]).toEqual(feeds[0]);
    expect(feeds[0].body.notices.map((n) => n.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const bundle = readPublishedBundle(dataDir);
    if (!bundle) throw new Error('no published bundle');
    expect(feeds[0].body.notices.map((n) => verifyNotice(bundle.payload, n).ok)).toEqual(Array(8).fill(true));
  });
});
