/**
 * The retention benchmark (`npm run bench -- --only retention [--retention-rows 10000000]`), on a throwaway
 * PostgreSQL (test/support/postgres.ts, default settings: fsync and synchronous_commit on):
 *
 * - Two old days of `checkin_events` are filled server-side with generate_series (ROWS rows each, 1,000,000 by
 *   default) and attached as their days' partitions, vacuumed and analysed, as a day's partition is when it
 *   expires.
 * - One day goes by `DELETE … where at in the day` (then the VACUUM that DELETE needs before the space is reused),
 *   the other by the retention pass (server/checkin-partitions.ts maintainPartitions: DROP TABLE of its partition).
 * - Ingestion while retention runs: the real server process (server/main.ts on that PostgreSQL, rate limit off)
 *   takes `POST /v1/checkins` batches of 100 from 8 requests in flight, first alone (baseline), then during the
 *   DELETE + VACUUM, then during a window holding the drop. Check-ins/s and the slowest request in each window.
 *
 * Bounded: each ingestion window has a time cap, and the DELETE phase's ingestion stops when the DELETE and VACUUM
 * end. Returns the Markdown section for docs/BENCHMARKS.md; scripts/bench/run.ts writes it.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DAY_SECONDS, keptFromOf, maintainPartitions, partitionNameOf } from '../../server/checkin-partitions';
import { type Db, openDb } from '../../server/db';
import { claimDemoDir, demoInit } from '../../server/demo';
import { migrate } from '../../server/migrations';
import { retentionDaysOf } from '../../server/retention';
import { type PostgresCluster, postgresBinDir, startPostgres } from '../../test/support/postgres';
import { type ServerProcess, startServerProcess } from '../../test/support/server-process';
import { BATCH, type BenchVenue, batchBody, post, runPrefix } from './server';

export const RETENTION_START = '<!-- bench-retention:start -->';
export const RETENTION_END = '<!-- bench-retention:end -->';
export const DEFAULT_RETENTION_ROWS = 1_000_000;
const IN_FLIGHT = 8;
const BASELINE_SECONDS = 10;
/** The drop window: ingestion this long before the pass and this long after it. */
const AROUND_DROP_SECONDS = 5;
/** No window runs longer than this, whatever the DELETE takes. */
const CAP_SECONDS = 600;
const FILL_CHUNK = 1_000_000;

export interface RetentionBenchOptions {
  /** Rows in each of the two days (the DELETE one and the DROP one). */
  readonly rows: number;
  /** Machine and run lines (date, CPU, load, Node, commit) from run.ts. */
  readonly machine: string;
}

const now = () => Math.floor(Date.now() / 1000);
const fmt = (x: number, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits });
const seconds = (from: number) => (performance.now() - from) / 1000;

interface Window {
  readonly label: string;
  readonly stored: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** The slowest POST in the window, ms. */
  readonly slowestMs: number;
  readonly error?: string;
}

/**
 * Ingestion from IN_FLIGHT workers until `until` settles (or CAP_SECONDS): fresh bodies built as they go, so the
 * client's cost is the same in every window.
 */
async function ingestUntil(
  label: string,
  server: ServerProcess,
  venues: readonly BenchVenue[],
  until: Promise<unknown>,
): Promise<Window> {
  const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  const url = `${server.url}/v1/checkins`;
  const prefix = runPrefix();
  const at = now() - 3600;
  let done = false;
  void until.finally(() => {
    done = true;
  });
  let next = 0;
  let stored = 0;
  let slowestMs = 0;
  let error: string | undefined;
  const started = performance.now();
  const worker = async () => {
    while (!done && !error && seconds(started) < CAP_SECONDS) {
      const body = batchBody(prefix, next++, venues, at);
      const sent = performance.now();
      const res = await post(agent, url, body);
      slowestMs = Math.max(slowestMs, performance.now() - sent);
      const results = res.status === 200 ? (JSON.parse(res.text) as { results: { status: string }[] }).results : [];
      const ok = results.filter((r) => r.status === 'stored').length;
      if (res.status !== 200 || ok !== BATCH) error = `HTTP ${res.status}, ${ok}/${BATCH} stored`;
      stored += ok;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const s = seconds(started);
  agent.destroy();
  return { label, stored, seconds: s, perSecond: stored / s, slowestMs, ...(error ? { error } : {}) };
}

const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000));

/**
 * ROWS check-ins in the day starting `day`, generated in PostgreSQL into a bare table that is then attached as the
 * day's partition (its indexes built once, sorted: minutes faster at 10 million rows than index upkeep per row).
 */
async function fillDay(db: Db, day: number, rows: number, tag: string): Promise<void> {
  const name = partitionNameOf(day);
  await db.query(`create table ${name} (like checkin_events including defaults including constraints)`);
  for (let from = 0; from < rows; from += FILL_CHUNK) {
    await db.query(
      `insert into ${name} (id, op, venue_id, at, auto_checkout_at, people)
       select md5($3 || i), 'checkin', 'bench-venue-' || (i % 1000), $1 + i % 86400, $1 + i % 86400 + 3600, 1 + i % 3
       from generate_series($2::bigint + 1, $2::bigint + $4) as i`,
      [day, from, tag, Math.min(FILL_CHUNK, rows - from)],
    );
  }
  await db.transaction(async (tx) => {
    await tx.query("set local maintenance_work_mem = '512MB'");
    await tx.query(
      `alter table checkin_events attach partition ${name} for values from (${day}) to (${day + DAY_SECONDS})`,
    );
  });
}

export async function runRetentionBench(options: RetentionBenchOptions): Promise<string> {
  const { rows } = options;
  if (!postgresBinDir()) return section(options, [], [], ['Not measured: PostgreSQL binaries not found.']);
  const root = mkdtempSync(join(tmpdir(), 'singgah-bench-retention-'));
  const dataDir = join(root, 'data');
  let cluster: PostgresCluster | undefined;
  let server: ServerProcess | undefined;
  let db: Db | undefined;
  const timings: [string, number][] = [];
  const windows: Window[] = [];
  const notes: string[] = [];
  try {
    cluster = await startPostgres();
    claimDemoDir(dataDir, now() - 60);
    db = await openDb({ dataDir, databaseUrl: cluster.url });
    await migrate(db);
    await demoInit(dataDir, db, now() - 60, 'http://127.0.0.1');
    const venues = await db.query<BenchVenue>('select id, code from venues order by id');
    // The policy's retention keeps days from `kept`: the oldest kept day is dropped by a pass with one day less,
    // the next one is the DELETE's. The server's own pass at start-up (policy retention) keeps both.
    const retention = retentionDaysOf(dataDir);
    const dropDay = keptFromOf(now(), retention);
    const deleteDay = dropDay + DAY_SECONDS;

    let t = performance.now();
    await fillDay(db, dropDay, rows, 'drop');
    await fillDay(db, deleteDay, rows, 'delete');
    timings.push([`fill: 2 × ${fmt(rows)} rows with generate_series, then ATTACH (indexes built)`, seconds(t)]);
    t = performance.now();
    for (const day of [dropDay, deleteDay]) await db.query(`vacuum (analyze) ${partitionNameOf(day)}`);
    timings.push(['VACUUM (ANALYZE) of the two filled days', seconds(t)]);
    const [{ size }] = await db.query<{ size: string }>(
      'select pg_size_pretty(pg_total_relation_size($1::regclass)) as size',
      [partitionNameOf(deleteDay)],
    );
    notes.push(`One filled day: ${fmt(rows)} rows, ${size} with its two indexes.`);

    process.env.DATABASE_URL = cluster.url;
    process.env.SINGGAH_RATE_LIMIT = '0';
    server = await startServerProcess(dataDir, join(root, 'no-dist'));
    // Warm-up outside the windows: JIT, connection pool, prepared plans.
    await ingestUntil('warm-up', server, venues, sleep(2));
    windows.push(await ingestUntil('alone (baseline)', server, venues, sleep(BASELINE_SECONDS)));

    const deleting = (async () => {
      const from = performance.now();
      const gone = await db?.query<{ n: string }>(
        'with gone as (delete from checkin_events where at >= $1 and at < $2 returning 1) select count(*) as n from gone',
        [deleteDay, deleteDay + DAY_SECONDS],
      );
      timings.push([`DELETE of one day (${fmt(Number(gone?.[0]?.n ?? 0))} rows)`, seconds(from)]);
      const vacuumFrom = performance.now();
      await db?.query(`vacuum ${partitionNameOf(deleteDay)}`);
      timings.push(['VACUUM after the DELETE (before its space is reused)', seconds(vacuumFrom)]);
    })();
    windows.push(await ingestUntil('during DELETE + VACUUM of a day', server, venues, deleting));
    await deleting;

    const dropping = (async () => {
      await sleep(AROUND_DROP_SECONDS);
      const from = performance.now();
      const pass = await maintainPartitions(db as Db, now(), retention - 1);
      timings.push([`retention pass dropping one day (${pass.dropped.join(', ')}; DROP TABLE)`, seconds(from)]);
      if (!pass.dropped.includes(partitionNameOf(dropDay))) throw new Error('the pass did not drop the day');
      await sleep(AROUND_DROP_SECONDS);
    })();
    windows.push(await ingestUntil(`${2 * AROUND_DROP_SECONDS} s holding the drop`, server, venues, dropping));
    await dropping;
  } catch (e) {
    notes.push(`ERROR: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    await server?.stop();
    await db?.close();
    await cluster?.stop();
    rmSync(root, { recursive: true, force: true });
  }
  return section(options, timings, windows, notes);
}

function section(options: RetentionBenchOptions, timings: [string, number][], windows: Window[], notes: string[]) {
  return [
    RETENTION_START,
    '<!-- Generated by `npm run bench -- --only retention` (scripts/bench/retention.ts); edits between these markers are overwritten. -->',
    '',
    options.machine,
    `- PostgreSQL (throwaway cluster, default settings), ${fmt(options.rows)} rows per day`,
    '',
    '| step | seconds |',
    '| ---- | ------: |',
    ...timings.map(([what, s]) => `| ${what} | ${s.toFixed(s < 1 ? 3 : 1)} |`),
    '',
    '| ingestion (batches of 100, 8 in flight) | check-ins | seconds | check-ins/s | slowest request |',
    '| --------------------------------------- | --------: | ------: | ----------: | --------------: |',
    ...windows.map(
      (w) =>
        `| ${w.label} | ${fmt(w.stored)} | ${w.seconds.toFixed(1)} | **${fmt(w.perSecond)}** | ${w.error ? `ERROR: ${w.error}` : `${fmt(w.slowestMs)} ms`} |`,
    ),
    '',
    ...notes.map((n) => `- ${n}`),
    RETENTION_END,
  ].join('\n');
}
