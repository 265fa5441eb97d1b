/**
 * The day partitions of `checkin_events` (migration 7) and the retention that drops them. One partition per UTC
 * day of `at` (`checkin_events_dYYYYMMDD`), plus the default partition for a row whose day has none.
 *
 * A pass (server/retention.ts: at start-up, hourly, `singgah retention run`):
 * 1. creates the partitions of yesterday, today and the next LOOKAHEAD_DAYS before rows for them arrive, and of
 *    any older kept day a late upload is waiting for in the default partition (its rows move into their new day);
 * 2. drops every day partition whose first second is older than the policy's retention: DROP TABLE, no DELETE;
 * 3. deletes what the default partition holds before the first kept day (uploads that arrived already expired).
 *
 * The boundary is a UTC midnight, `keptFrom`: the first one at or after now − retentionDays. Everything before it
 * goes, so no row is kept longer than the policy allows (plus the time to the next pass, as before); the rows of
 * the day that straddles now − retentionDays go with their day, up to 24 h before they would have had to.
 *
 * Each step is its own short transaction with a lock timeout, under a try-lock that one replica holds at a time:
 * a drop waits for queries on the table and makes new ones wait behind it, so it gives up after
 * PARTITION_LOCK_TIMEOUT and the next pass tries again, rather than stalling ingestion.
 */
import type { UnixSeconds } from '../src/core/schema';
import type { Db, Queryable } from './db';

export const DAY_SECONDS = 86_400;
/** Days after today whose partitions exist already: ingestion goes on through a maintenance pause this long. */
export const LOOKAHEAD_DAYS = 3;
/** Days before today made ahead too: most uploads are of the last day (a phone's outbox after a night offline). */
export const LOOKBEHIND_DAYS = 1;
/** How long a create or drop waits for its locks before the pass gives up on it (the next pass retries). */
export const PARTITION_LOCK_TIMEOUT = '2s';
const MAINTENANCE_LOCK_ID = 736_544_202; // arbitrary, constant: "singgah partition maintenance"
const DAY_PARTITION = /^checkin_events_d\d{8}$/;

export interface DayPartition {
  readonly name: string;
  /** The UTC midnight its range starts at (inclusive), Unix seconds. */
  readonly from: number;
  /** The next midnight (exclusive). */
  readonly to: number;
}

export const dayStartOf = (t: number) => Math.floor(t / DAY_SECONDS) * DAY_SECONDS;

/** The first second retention keeps: the first UTC midnight at or after now − retentionDays. */
export const keptFromOf = (now: UnixSeconds, retentionDays: number) =>
  Math.ceil((now - retentionDays * DAY_SECONDS) / DAY_SECONDS) * DAY_SECONDS;

export interface PartitionPlan {
  readonly keptFrom: number;
  /** Day starts to create, oldest first. */
  readonly create: readonly number[];
  readonly drop: readonly DayPartition[];
}

/**
 * What a pass does, from the partitions that exist and the days of the rows waiting in the default partition:
 * create every missing kept day from LOOKBEHIND_DAYS before today to LOOKAHEAD_DAYS after, and every kept day
 * rows are waiting for (older days are made only when a late upload needs one: a new database starts with a
 * handful of partitions, not a month of empty ones); drop every day that ends at or before `keptFrom`.
 */
export function planPartitions(
  existing: readonly DayPartition[],
  waiting: readonly number[],
  now: UnixSeconds,
  retentionDays: number,
): PartitionPlan {
  const keptFrom = keptFromOf(now, retentionDays);
  const have = new Set(existing.map((p) => p.from));
  const today = dayStartOf(now);
  const days = new Set(waiting.map(dayStartOf));
  for (let d = today - LOOKBEHIND_DAYS * DAY_SECONDS; d <= today + LOOKAHEAD_DAYS * DAY_SECONDS; d += DAY_SECONDS) {
    days.add(d);
  }
  const create = [...days].filter((d) => d >= keptFrom && !have.has(d)).sort((a, b) => a - b);
  return { keptFrom, create, drop: existing.filter((p) => p.to <= keptFrom) };
}

/** The days of rows waiting in the default partition (it holds few: late or early uploads only). */
export async function readWaitingDays(db: Queryable): Promise<number[]> {
  const rows = await db.query<{ day: string | number }>(
    `select distinct at / ${DAY_SECONDS} * ${DAY_SECONDS} as day from checkin_events_default`,
  );
  return rows.map((r) => Number(r.day));
}

/** The day partitions of `checkin_events`, from the catalog (pg_inherits and each partition's bound). */
export async function readDayPartitions(db: Queryable): Promise<DayPartition[]> {
  const rows = await db.query<{ name: string; bound: string }>(
    `select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bound
     from pg_inherits i join pg_class c on c.oid = i.inhrelid
     where i.inhparent = 'checkin_events'::regclass`,
  );
  return rows
    .flatMap((r) => {
      const m = /FROM \('?(\d+)'?\) TO \('?(\d+)'?\)/.exec(r.bound);
      return m && DAY_PARTITION.test(r.name) ? [{ name: r.name, from: Number(m[1]), to: Number(m[2]) }] : [];
    })
    .sort((a, b) => a.from - b.from);
}

export interface PartitionPass {
  readonly keptFrom: number;
  readonly created: readonly string[];
  readonly dropped: readonly string[];
  /** Rows deleted from the default partition (uploads that were already older than `keptFrom`). */
  readonly deleted: number;
  /** Steps not done: another replica's pass held the maintenance lock, or a lock wait timed out. The next pass does them. */
  readonly skipped: number;
}

const isLockTimeout = (e: unknown) => (e as { code?: unknown }).code === '55P03';

/**
 * One step in its own transaction; undefined when another replica holds the maintenance lock or a lock wait timed
 * out (any other failure is the pass's).
 */
async function step<R>(db: Db, fn: (tx: Queryable) => Promise<R>): Promise<{ value: R } | undefined> {
  try {
    return await db.transaction(async (tx) => {
      const [{ ok }] = await tx.query<{ ok: boolean }>('select pg_try_advisory_xact_lock($1) as ok', [
        MAINTENANCE_LOCK_ID,
      ]);
      if (!ok) return undefined;
      await tx.query(`set local lock_timeout = '${PARTITION_LOCK_TIMEOUT}'`);
      return { value: await fn(tx) };
    });
  } catch (e) {
    if (isLockTimeout(e)) return undefined;
    throw e;
  }
}

/**
 * A maintenance pass (see the file's comment): create the coming days, drop the expired ones, empty the default
 * partition of expired rows. The first step that cannot run ends the pass: the lock it waited for is busy, and
 * every later step would wait as long.
 */
export async function maintainPartitions(db: Db, now: UnixSeconds, retentionDays: number): Promise<PartitionPass> {
  const plan = planPartitions(await readDayPartitions(db), await readWaitingDays(db), now, retentionDays);
  const created: string[] = [];
  const dropped: string[] = [];
  let deleted = 0;
  const steps: (() => Promise<boolean>)[] = [
    ...plan.create.map((day) => async () => {
      const done = await step(db, (tx) =>
        tx.query<{ added: boolean }>('select checkin_events_add_day($1) as added', [day]),
      );
      if (done?.value[0]?.added) created.push(partitionNameOf(day));
      return done !== undefined;
    }),
    ...plan.drop.map((p) => async () => {
      // The name comes from the catalog and matched DAY_PARTITION: safe to put in the statement.
      const done = await step(db, (tx) => tx.query(`drop table if exists "${p.name}"`));
      if (done) dropped.push(p.name);
      return done !== undefined;
    }),
    async () => {
      const done = await step(db, (tx) =>
        tx.query<{ n: string | number }>(
          'with gone as (delete from checkin_events_default where at < $1 returning 1) select count(*) as n from gone',
          [plan.keptFrom],
        ),
      );
      deleted = Number(done?.value[0]?.n ?? 0);
      return done !== undefined;
    },
  ];
  let next = 0;
  while (next < steps.length && (await steps[next]())) next++;
  return { keptFrom: plan.keptFrom, created, dropped, deleted, skipped: steps.length - next };
}

/** The name checkin_events_add_day gives a day's partition. */
export function partitionNameOf(dayStart: number): string {
  return `checkin_events_d${new Date(dayStart * 1000).toISOString().slice(0, 10).replaceAll('-', '')}`;
}
