/**
 * The server benchmark (`npm run bench -- --only server`, also part of a full `npm run bench`), on loopback:
 *
 * - Check-in ingestion: the real server process (server/main.ts, rate limit off, LOG_LEVEL=warn) takes
 *   `POST /v1/checkins` batches of 100 new check-ins from a small keep-alive Node client with a fixed number of
 *   requests in flight; check-ins/s = stored items / wall time. On PGlite (the default) and on PostgreSQL (a
 *   throwaway cluster from test/support/postgres.ts with default settings: fsync and synchronous_commit on).
 *   Bounded by a count and a time cap; every result must be "stored" and the table is counted afterwards. The
 *   table is the production schema's: `checkin_events` partitioned by day (migration 7), checked after each run.
 * - `GET /v1/bundle` with and without `If-None-Match` (autocannon, fixed connections and duration): requests/s
 *   and p99 latency, side by side with nginx (Debian's package, one worker, access log off, started here on a
 *   loopback port with a temp config) serving the same signed bundle file — the physical-limit reference.
 *
 * Returns the Markdown section for docs/BENCHMARKS.md; scripts/bench/run.ts writes it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { publishedBundlePath } from '../../server/authority';
import { partitionNameOf } from '../../server/checkin-partitions';
import { openDb, type Queryable } from '../../server/db';
import { claimDemoDir, demoInit } from '../../server/demo';
import { migrate } from '../../server/migrations';
import { checkInProofOf } from '../../src/core/checkin-upload';
import { type PostgresCluster, postgresBinDir, startPostgres } from '../../test/support/postgres';
import { freePort, type ServerProcess, startServerProcess } from '../../test/support/server-process';

export const SERVER_START = '<!-- bench-server:start -->';
export const SERVER_END = '<!-- bench-server:end -->';
const NGINX = '/usr/sbin/nginx';
export const BATCH = 100;
/** Requests in flight during ingestion (the server's pg pool has 10 connections). */
const INGEST_CONCURRENCY = 8;
const BUNDLE_CONNECTIONS = 16;
const TARGET_CHECKINS_PER_S = 10_000;
const TARGET_NGINX_SHARE = 0.5;

export interface ServerBenchOptions {
  readonly scale: number;
  /** Machine and run lines (date, CPU, load, Node, commit) from run.ts. */
  readonly machine: string;
}

interface Ingestion {
  readonly engine: string;
  readonly items: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly rowsAfter: number;
  /** Day partitions of `checkin_events` holding rows after the run (migration 7). */
  readonly partitions?: number;
  readonly error?: string;
}

interface Serving {
  readonly who: string;
  readonly conditional: boolean;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly status: string;
}

const now = () => Math.floor(Date.now() / 1000);

/**
 * The benchmark is only meaningful against the schema production runs: `checkin_events` partitioned by day
 * (migration 7), every row in its day's partition (made by the server's retention pass at start-up), none in the
 * default one. Returns how many partitions hold rows, or why the run does not count.
 */
async function checkPartitions(db: Queryable): Promise<{ partitions: number } | { error: string }> {
  const [table] = await db.query<{ kind: string }>(
    "select relkind as kind from pg_class where relname = 'checkin_events'",
  );
  if (table?.kind !== 'p') return { error: 'checkin_events is not a partitioned table' };
  const rows = await db.query<{ p: string; day: string | number }>(
    'select distinct tableoid::regclass::text as p, at / 86400 * 86400 as day from checkin_events',
  );
  const misplaced = rows.filter((r) => r.p !== partitionNameOf(Number(r.day)));
  if (misplaced.length > 0) return { error: `rows outside their day's partition: ${misplaced.map((r) => r.p)}` };
  return { partitions: new Set(rows.map((r) => r.p)).size };
}

/** Adds the partition check to an ingestion result (an earlier error stays the one reported). */
const withPartitions = (r: Ingestion, check: { partitions: number } | { error: string }): Ingestion =>
  'error' in check ? { ...r, error: r.error ?? check.error } : { ...r, partitions: check.partitions };
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

export function post(agent: Agent, url: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      agent,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        text += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export interface BenchVenue {
  readonly id: string;
  readonly code: string;
}

/** One POST body of BATCH new check-ins an hour ago; ids unique per (prefix, b). */
export function batchBody(prefix: string, b: number, venues: readonly BenchVenue[], at: number): string {
  return JSON.stringify({
    items: Array.from({ length: BATCH }, (_, i) => {
      const id = `${prefix}${hex(b, 12)}${hex(i, 12)}`;
      const venue = venues[(b + i) % venues.length] as BenchVenue;
      return {
        id,
        op: 'checkin',
        venueId: venue.id,
        at: at + (i % 600),
        autoCheckOutAt: at + 7200,
        people: 1 + (i % 3),
        // What a phone sends: the proof of the venue's signed QR (the server checks every one).
        proof: checkInProofOf(id, venue.code),
      };
    }),
  });
}

/** A random 8-hex prefix: ids unique per run. */
export const runPrefix = () => hex(Math.floor(Math.random() * 2 ** 32), 8);

/** Bodies are built before the clock starts; ids are unique per run (a random prefix). */
export function batches(count: number, venues: readonly BenchVenue[]): string[] {
  const prefix = runPrefix();
  const at = now() - 3600;
  return Array.from({ length: count }, (_, b) => batchBody(prefix, b, venues, at));
}

async function ingest(
  engine: string,
  server: ServerProcess,
  venues: readonly BenchVenue[],
  count: number,
  capSeconds: number,
  /** Undefined for PGlite: the server process holds the database; the caller counts after it stops. */
  countRows: (() => Promise<number>) | undefined,
): Promise<Ingestion> {
  const bodies = batches(count, venues);
  const agent = new Agent({ keepAlive: true, maxSockets: INGEST_CONCURRENCY });
  const url = `${server.url}/v1/checkins`;
  // Warm-up outside the timing: JIT, connection pool, prepared plans.
  for (const body of batches(5, venues)) await post(agent, url, body);
  const before = countRows ? await countRows() : 0;
  let next = 0;
  let stored = 0;
  let problem: string | undefined;
  const started = performance.now();
  const deadline = started + capSeconds * 1000;
  const worker = async () => {
    while (next < bodies.length && performance.now() < deadline && !problem) {
      const res = await post(agent, url, bodies[next++]);
      const results = res.status === 200 ? (JSON.parse(res.text) as { results: { status: string }[] }).results : [];
      const ok = results.filter((r) => r.status === 'stored').length;
      if (res.status !== 200 || ok !== BATCH)
        problem = `HTTP ${res.status}, ${ok}/${BATCH} stored: ${res.text.slice(0, 200)}`;
      stored += ok;
    }
  };
  await Promise.all(Array.from({ length: INGEST_CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  const rowsAfter = countRows ? (await countRows()) - before : stored;
  const result = { engine, items: stored, seconds, perSecond: stored / seconds, rowsAfter };
  if (rowsAfter !== stored) return { ...result, error: `${stored} stored but ${rowsAfter} new rows` };
  return problem ? { ...result, error: problem } : result;
}

async function serve(who: string, url: string, etag: string | undefined, seconds: number): Promise<Serving> {
  const r = await autocannon({
    url,
    connections: BUNDLE_CONNECTIONS,
    duration: seconds,
    headers: etag ? { 'If-None-Match': etag } : {},
  });
  const codes = Object.entries(r.statusCodeStats ?? {})
    .map(([code, s]) => `${code}×${s.count}`)
    .join(' ');
  return {
    who,
    conditional: etag !== undefined,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    status: `${codes}${r.errors ? ` errors×${r.errors}` : ''}${r.timeouts ? ` timeouts×${r.timeouts}` : ''}`,
  };
}

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer`);
}

/** nginx serving `file` at /v1/bundle from a temp prefix; stopped with SIGQUIT (graceful). */
async function startNginx(file: string): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'singgah-nginx-'));
  // Workers run as nobody: the served tree must be readable by them.
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, 'www', 'v1'), { recursive: true, mode: 0o755 });
  copyFileSync(file, join(dir, 'www', 'v1', 'bundle'));
  chmodSync(join(dir, 'www', 'v1', 'bundle'), 0o644);
  const port = await freePort();
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((t) => `  ${t}_temp_path ${join(dir, `tmp-${t}`)};`)
    .join('\n');
  writeFileSync(
    join(dir, 'nginx.conf'),
    `daemon off;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 1024; }
http {
  access_log off;
${temp}
  server {
    listen 127.0.0.1:${port};
    root ${join(dir, 'www')};
    location = /v1/bundle { default_type application/json; add_header Cache-Control no-cache; }
  }
}
`,
  );
  const child: ChildProcess = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], {
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}/v1/bundle`;
  await waitFor(url);
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        child.kill('SIGQUIT');
      }),
  };
}

const fmt = (x: number, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits });

export async function runServerBench(options: ServerBenchOptions): Promise<string> {
  const { scale } = options;
  const count = Math.max(20, Math.round(500 * scale));
  const capSeconds = Math.max(10, Math.round(60 * scale));
  const serveSeconds = Math.max(3, Math.round(10 * scale));
  const root = mkdtempSync(join(tmpdir(), 'singgah-bench-server-'));
  const dataDir = join(root, 'data');
  const distDir = join(root, 'no-dist');
  process.env.SINGGAH_RATE_LIMIT = '0';
  const ingestions: Ingestion[] = [];
  const servings: Serving[] = [];
  const notes: string[] = [];
  let cluster: PostgresCluster | undefined;
  try {
    claimDemoDir(dataDir, now() - 60);
    let db = await openDb({ dataDir });
    await migrate(db);
    await demoInit(dataDir, db, now() - 60, 'http://127.0.0.1');
    const venues = await db.query<BenchVenue>('select id, code from venues order by id');
    await db.close();
    const bundleFile = publishedBundlePath(dataDir);

    // PGlite: the server owns the database; rows are counted through a fresh open after it stops.
    let server = await startServerProcess(dataDir, distDir);
    const pglite = await ingest('PGlite', server, venues, count, capSeconds, undefined);
    console.log(
      `  server ingest PGlite: ${fmt(pglite.perSecond)} check-ins/s (${pglite.items} in ${pglite.seconds.toFixed(1)} s)`,
    );

    const etag = (await fetch(`${server.url}/v1/bundle`)).headers.get('etag') ?? undefined;
    for (const conditional of [false, true]) {
      const s = await serve('Singgah (Node)', `${server.url}/v1/bundle`, conditional ? etag : undefined, serveSeconds);
      servings.push(s);
      console.log(
        `  server bundle ${s.who}${conditional ? ' 304' : ''}: ${fmt(s.rps)} req/s, p99 ${s.p99} ms (${s.status})`,
      );
    }
    await server.stop();
    db = await openDb({ dataDir });
    const pgliteRows = Number((await db.query<{ n: string }>('select count(*) as n from checkin_events'))[0].n);
    const pglitePartitions = await checkPartitions(db);
    await db.close();
    // PGlite cannot be counted while the server holds it: compare the total with what was stored (+ warm-up).
    const warm = 5 * BATCH;
    ingestions.push(
      withPartitions(
        pgliteRows === pglite.items + warm
          ? pglite
          : { ...pglite, error: `${pglite.items} stored but ${pgliteRows - warm} rows` },
        pglitePartitions,
      ),
    );

    if (existsSync(NGINX)) {
      const nginx = await startNginx(bundleFile);
      try {
        const nginxEtag = (await fetch(nginx.url)).headers.get('etag') ?? undefined;
        for (const conditional of [false, true]) {
          const s = await serve('nginx', nginx.url, conditional ? nginxEtag : undefined, serveSeconds);
          servings.push(s);
          console.log(
            `  server bundle nginx${conditional ? ' 304' : ''}: ${fmt(s.rps)} req/s, p99 ${s.p99} ms (${s.status})`,
          );
        }
      } finally {
        await nginx.stop();
      }
    } else {
      notes.push(`nginx not measured: ${NGINX} missing (\`apt-get install -y nginx-light\`).`);
    }

    if (postgresBinDir()) {
      cluster = await startPostgres();
      const pg = await openDb({ dataDir, databaseUrl: cluster.url });
      await migrate(pg);
      await demoInit(dataDir, pg, now() - 60, 'http://127.0.0.1');
      process.env.DATABASE_URL = cluster.url;
      try {
        server = await startServerProcess(dataDir, distDir);
        const countRows = async () =>
          Number((await pg.query<{ n: string }>('select count(*) as n from checkin_events'))[0].n);
        const pgVenues = await pg.query<BenchVenue>('select id, code from venues order by id');
        const r = withPartitions(
          await ingest('PostgreSQL', server, pgVenues, count, capSeconds, countRows),
          await checkPartitions(pg),
        );
        ingestions.push(r);
        console.log(
          `  server ingest PostgreSQL: ${fmt(r.perSecond)} check-ins/s (${r.items} in ${r.seconds.toFixed(1)} s)`,
        );
        await server.stop();
      } finally {
        delete process.env.DATABASE_URL;
        await pg.close();
      }
    } else {
      notes.push('PostgreSQL not measured: no binaries (`apt-get install -y postgresql`).');
    }
  } finally {
    await cluster?.stop();
    rmSync(root, { recursive: true, force: true });
  }
  return section(options, ingestions, servings, notes);
}

function section(options: ServerBenchOptions, ingestions: Ingestion[], servings: Serving[], notes: string[]): string {
  const ingestRows = ingestions.map(
    (r) =>
      `| ${r.engine} | ${fmt(r.items)} in ${r.seconds.toFixed(2)} s | **${fmt(r.perSecond)}** | ${r.error ? `ERROR: ${r.error}` : `${fmt(r.rowsAfter)} new rows, all "stored", in ${r.partitions} day partition(s)`} |`,
  );
  const serveRows = servings.map(
    (s) =>
      `| ${s.who} | ${s.conditional ? '`If-None-Match` → 304' : 'full body → 200'} | **${fmt(s.rps)}** | ${s.p50} | ${s.p99} | ${s.status} |`,
  );
  const pg = ingestions.find((r) => r.engine === 'PostgreSQL');
  const share = (conditional: boolean) => {
    const ours = servings.find((s) => s.who !== 'nginx' && s.conditional === conditional);
    const ref = servings.find((s) => s.who === 'nginx' && s.conditional === conditional);
    return ours && ref ? ours.rps / ref.rps : undefined;
  };
  const verdicts = [
    pg && !pg.error
      ? `- **Target** ≥ ${fmt(TARGET_CHECKINS_PER_S)} check-ins/s on PostgreSQL: **${pg.perSecond >= TARGET_CHECKINS_PER_S ? 'MET' : 'NOT MET'}** (${fmt(pg.perSecond)}/s).`
      : '- **Target** ≥ 10,000 check-ins/s on PostgreSQL: not measured in this run.',
    ...[false, true].map((conditional) => {
      const s = share(conditional);
      const what = conditional ? 'with `If-None-Match` (304)' : 'full body (200)';
      return s === undefined
        ? `- **Target** bundle ≥ 50 % of nginx's requests/s, ${what}: not measured.`
        : `- **Target** bundle ≥ 50 % of nginx's requests/s, ${what}: **${s >= TARGET_NGINX_SHARE ? 'MET' : 'NOT MET'}** (${Math.round(100 * s)} %).`;
    }),
    ...notes.map((n) => `- ${n}`),
  ];
  return `${SERVER_START}
<!-- Generated by \`npm run bench\` (scripts/bench/server.ts); edits between these markers are overwritten. -->

${options.machine}

Check-in ingestion, \`POST /v1/checkins\`, batches of ${BATCH}, ${INGEST_CONCURRENCY} requests in flight:

| Database | Check-ins | Check-ins/s | Checked |
| --- | --: | --: | --- |
${ingestRows.join('\n')}

\`GET /v1/bundle\`, autocannon, ${BUNDLE_CONNECTIONS} connections:

| Server | Request | Requests/s | p50 ms | p99 ms | Status codes |
| --- | --- | --: | --: | --: | --- |
${serveRows.join('\n')}

${verdicts.join('\n')}
${SERVER_END}`;
}
