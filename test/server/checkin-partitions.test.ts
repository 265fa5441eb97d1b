/**
 * Retention by partition: check-ins partitioned by UTC day (migration 7, converting a table that holds rows), a
 * retention pass that drops the expired days whole — shown in the catalog (pg_inherits), the other days keeping
 * every row — and creates the coming days before rows for them arrive, the default partition catching a row with
 * no day. The same code on PGlite and on a throwaway PostgreSQL; there also a drop that cannot get its lock
 * gives up instead of stalling ingestion. The clock is a fixed parameter (10:00 UTC), so the day arithmetic is
 * the same on every run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DAY_SECONDS,
  type DayPartition,
  keptFromOf,
  LOOKAHEAD_DAYS,
  LOOKBEHIND_DAYS,
  maintainPartitions,
  partitionNameOf,
  planPartitions,
  readDayPartitions,
} from '../../server/checkin-partitions';
import { ingestCheckIns } from '../../server/checkins';
import { type Db, openDb } from '../../server/db';
import { MIGRATIONS, migrate } from '../../server/migrations';
import { type PostgresCluster, postgresSkipReason, startPostgres } from '../support/postgres';

const DAY = DAY_SECONDS;
const HOUR = 3600;
/** A UTC midnight, and "now" ten hours after it. */
const MIDNIGHT = 1_764_892_800;
const NOW = MIDNIGHT + 10 * HOUR;
const RETENTION = 21;
/** The day that straddles now − RETENTION days: it starts before that instant and ends after it. */
const STRADDLING = MIDNIGHT - RETENTION * DAY;
const KEPT_FROM = STRADDLING + DAY;

const pgSkip = postgresSkipReason();
if (pgSkip) console.warn(`\n*** checkin-partitions on PostgreSQL: SKIPPED: ${pgSkip} ***\n`);

describe('planPartitions (the day arithmetic)', () => {
  const day = (from: number): DayPartition => ({ name: partitionNameOf(from), from, to: from + DAY });

  it('keeps from the first UTC midnight at or after now − retention: a day goes once its first second is older', () => {
    expect(keptFromOf(NOW, RETENTION)).toBe(KEPT_FROM);
    // At a midnight the boundary is that instant: the day starting exactly retention days ago is kept.
    expect(keptFromOf(MIDNIGHT, RETENTION)).toBe(MIDNIGHT - RETENTION * DAY);
    expect(keptFromOf(MIDNIGHT + 1, RETENTION)).toBe(MIDNIGHT - (RETENTION - 1) * DAY);
  });

  it('drops the days that end by then; creates yesterday to the look-ahead and the kept days rows wait for', () => {
    const existing = [day(STRADDLING - DAY), day(STRADDLING), day(KEPT_FROM), day(MIDNIGHT)];
    // Rows waiting in the default partition: one in an expired day, one in a kept day, two in one future day.
    const waiting = [STRADDLING + HOUR, KEPT_FROM + 2 * DAY + 5, MIDNIGHT + 9 * DAY, MIDNIGHT + 9 * DAY + HOUR];
    const plan = planPartitions(existing, waiting, NOW, RETENTION);
    expect(plan.keptFrom).toBe(KEPT_FROM);
    expect(plan.drop.map((p) => p.from)).toEqual([STRADDLING - DAY, STRADDLING]);
    expect(plan.create).toEqual([
      KEPT_FROM + 2 * DAY,
      MIDNIGHT - LOOKBEHIND_DAYS * DAY,
      ...Array.from({ length: LOOKAHEAD_DAYS }, (_, i) => MIDNIGHT + (i + 1) * DAY),
      MIDNIGHT + 9 * DAY,
    ]);
    // Nothing to drop or make twice.
    const made = [...existing.slice(2), ...plan.create.map(day)];
    expect(planPartitions(made, [], NOW, RETENTION)).toEqual({ keptFrom: KEPT_FROM, create: [], drop: [] });
  });

  it('names a partition after its UTC date', () => {
    expect(partitionNameOf(MIDNIGHT)).toBe('checkin_events_d20251205');
  });
});

const hexId = (n: number) => n.toString(16).padStart(32, '0');

/** A check-in and its check-out an hour later, as schema 6 (hash partitions) stores them. */
const insertVisits = (db: Db, ats: readonly number[], first: number) =>
  db.query(
    `insert into checkin_events (id, op, venue_id, at, auto_checkout_at, people)
     select id, op, case when op = 'checkin' then 'venue-1' end, at,
       case when op = 'checkin' then at + 7200 end, case when op = 'checkin' then 2 end
     from unnest($1::text[], $2::bigint[]) as v(id, at0),
       lateral (values ('checkin', at0), ('checkout', at0 + 3600)) as e(op, at)`,
    [ats.map((_, i) => hexId(first + i)), ats],
  );

/** Rows per partition, by the partition that holds them (tableoid). */
const rowsByPartition = async (db: Db) =>
  Object.fromEntries(
    (
      await db.query<{ p: string; n: string | number }>(
        'select tableoid::regclass::text as p, count(*) as n from checkin_events group by 1',
      )
    ).map((r) => [r.p, Number(r.n)]),
  );

/** The partitions of checkin_events in the catalog. */
const catalogPartitions = async (db: Db) =>
  (
    await db.query<{ name: string }>(
      `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
       where i.inhparent = 'checkin_events'::regclass order by 1`,
    )
  ).map((r) => r.name);

/** Visit start times: two in the day before the straddling one, the straddling day on both sides of now − 21 d. */
const VISITS = {
  expired: [STRADDLING - DAY + HOUR, STRADDLING - 2 * HOUR],
  // 9:00 is older than 21 days at 10:00; 11:00 is not, but shares the straddling day (its check-out at 12:00).
  straddling: [STRADDLING + 9 * HOUR, STRADDLING + 11 * HOUR],
  kept: [KEPT_FROM, KEPT_FROM + 5 * DAY, MIDNIGHT - DAY + HOUR, MIDNIGHT + HOUR],
};

function partitionTests(engine: string, open: () => Promise<{ db: Db; close: () => Promise<void> }>) {
  let db: Db;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await open());
    await migrate(db, MIGRATIONS.slice(0, 6));
    await insertVisits(db, VISITS.expired, 0);
    await insertVisits(db, VISITS.straddling, 100);
    await insertVisits(db, VISITS.kept, 200);
  });
  afterAll(async () => close());

  it(`${engine}: migration 7 turns the hash-partitioned table into day partitions, keeping every row`, async () => {
    const before = await db.query('select * from checkin_events order by id, op');
    expect(before).toHaveLength(16);
    expect(await migrate(db, MIGRATIONS.slice(0, 7))).toEqual([7]);
    const [{ kind }] = await db.query<{ kind: string }>(
      "select relkind as kind from pg_class where relname = 'checkin_events'",
    );
    expect(kind).toBe('p');
    expect(await db.query('select * from checkin_events order by id, op')).toEqual(before);
    // One partition per day holding rows (a visit's check-out an hour later can fall on the next day), none left
    // in the default partition, and no hash partition left.
    const days = new Set(
      (before as { at: string | number }[]).map((r) => partitionNameOf(Math.floor(Number(r.at) / DAY) * DAY)),
    );
    expect(Object.keys(await rowsByPartition(db)).sort()).toEqual([...days].sort());
    expect(await catalogPartitions(db)).toEqual([...days, 'checkin_events_default'].sort());
  });

  it(`${engine}: a retention pass drops the expired days whole; the other days keep every row`, async () => {
    const before = await rowsByPartition(db);
    const pass = await maintainPartitions(db, NOW, RETENTION);
    const gone = [partitionNameOf(STRADDLING - DAY), partitionNameOf(STRADDLING)];
    expect(pass.dropped).toEqual(gone);
    expect(pass.skipped).toBe(0);
    expect(pass.keptFrom).toBe(KEPT_FROM);
    const partitions = await catalogPartitions(db);
    for (const name of gone) {
      expect(partitions).not.toContain(name);
      expect(await db.query('select to_regclass($1) as r', [name])).toEqual([{ r: null }]);
    }
    const after = await rowsByPartition(db);
    for (const [name, n] of Object.entries(before)) if (!gone.includes(name)) expect(after[name], name).toBe(n);
    // Exactly the rows before the first kept midnight are gone: the straddling day's 11:00 visit with them.
    const ats = (await db.query<{ at: string | number }>('select at from checkin_events')).map((r) => Number(r.at));
    expect(Math.min(...ats)).toBe(KEPT_FROM);
    expect(ats).toHaveLength(2 * VISITS.kept.length);
    // The coming days exist before any row for them: a row for the day after tomorrow lands in its own partition.
    for (let d = MIDNIGHT - DAY; d <= MIDNIGHT + LOOKAHEAD_DAYS * DAY; d += DAY) {
      expect(partitions).toContain(partitionNameOf(d));
    }
    await insertVisits(db, [MIDNIGHT + 2 * DAY + HOUR], 300);
    expect((await rowsByPartition(db))[partitionNameOf(MIDNIGHT + 2 * DAY)]).toBe(2);
    // A second pass has nothing to do.
    expect(await maintainPartitions(db, NOW, RETENTION)).toMatchObject({ created: [], dropped: [], deleted: 0 });
  });

  it(`${engine}: a row with no day partition waits in the default one; its day takes it in, or it expires`, async () => {
    const later = MIDNIGHT + (LOOKAHEAD_DAYS + 2) * DAY;
    const late = MIDNIGHT - 4 * DAY;
    expect(await catalogPartitions(db)).not.toContain(partitionNameOf(late));
    await insertVisits(db, [later + HOUR], 400);
    await insertVisits(db, [late + HOUR], 450);
    await insertVisits(db, [KEPT_FROM - 3 * DAY], 500);
    expect((await rowsByPartition(db)).checkin_events_default).toBe(6);
    // Two days on: the later day is within the look-ahead, the late upload's day is kept and gets its partition,
    // the other upload's day long expired.
    const pass = await maintainPartitions(db, NOW + 2 * DAY, RETENTION);
    expect(pass.created).toEqual(expect.arrayContaining([partitionNameOf(later), partitionNameOf(late)]));
    expect(pass.deleted).toBe(2);
    const rows = await rowsByPartition(db);
    expect(rows.checkin_events_default).toBeUndefined();
    expect(rows[partitionNameOf(later)]).toBe(2);
    expect(rows[partitionNameOf(late)]).toBe(2);
    // The first kept day of two days ago has expired since.
    expect(pass.dropped).toContain(partitionNameOf(KEPT_FROM));
    expect((await readDayPartitions(db)).every((p) => p.from >= pass.keptFrom)).toBe(true);
  });

  it(`${engine}: ingestion stays exactly-once across days: a replay is a duplicate, another time a conflict`, async () => {
    const id = hexId(200 + VISITS.kept.length - 1);
    const [stored] = await db.query<{ at: string | number }>(
      "select at from checkin_events where id = $1 and op = 'checkout'",
      [id],
    );
    const at = Number(stored.at);
    const codesOf = async (item: { id: string; op: 'checkout'; at: number }) =>
      (await ingestCheckIns(db, [item], NOW + 2 * DAY)).map((r) => r.code ?? r.status);
    // The same (id, op) a day earlier would fall into another day's partition: refused, not stored twice.
    expect(await codesOf({ id, op: 'checkout', at: at - DAY })).toEqual(['ITEM_CONFLICT']);
    expect(await codesOf({ id, op: 'checkout', at })).toEqual(['duplicate']);
    expect(await db.query("select at from checkin_events where id = $1 and op = 'checkout'", [id])).toHaveLength(1);
  });
}

describe('retention by partition on PGlite', () => {
  partitionTests('PGlite', async () => {
    const root = mkdtempSync(join(tmpdir(), 'singgah-days-'));
    const db = await openDb({ dataDir: join(root, 'data') });
    return {
      db,
      close: async () => {
        await db.close();
        rmSync(root, { recursive: true, force: true });
      },
    };
  });
});

describe.skipIf(pgSkip)('retention by partition on PostgreSQL', () => {
  let cluster: PostgresCluster;
  partitionTests('PostgreSQL', async () => {
    cluster = await startPostgres({ settings: { fsync: 'off' } });
    const db = await openDb({ dataDir: '', databaseUrl: cluster.url });
    return {
      db,
      close: async () => {
        await db.close();
        await cluster.stop();
      },
    };
  });

  it('PostgreSQL: a drop that cannot get its lock gives up after the timeout, and the next pass does it', async () => {
    const db = await openDb({ dataDir: '', databaseUrl: cluster.url });
    const reader = await openDb({ dataDir: '', databaseUrl: cluster.url });
    try {
      const expiring = (await readDayPartitions(db))[0];
      const soon = expiring.to + RETENTION * DAY + HOUR;
      // A long report holds the table (its locks last until it commits).
      let release = () => {};
      const held = new Promise<void>((r) => {
        release = r;
      });
      const reading = reader.transaction(async (tx) => {
        await tx.query('select count(*) from checkin_events');
        await held;
      });
      const started = Date.now();
      const blocked = await maintainPartitions(db, soon, RETENTION);
      const waited = Date.now() - started;
      expect(blocked.skipped).toBeGreaterThan(0);
      expect(waited).toBeLessThan(10_000);
      expect((await readDayPartitions(db)).map((p) => p.name)).toContain(expiring.name);
      release();
      await reading;
      const pass = await maintainPartitions(db, soon, RETENTION);
      expect(pass.skipped).toBe(0);
      expect(pass.dropped).toContain(expiring.name);
    } finally {
      await reader.close();
      await db.close();
    }
  });
});
