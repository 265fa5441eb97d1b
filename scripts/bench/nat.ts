/**
 * The fairness bench behind carrier NAT (`npm run bench -- --only nat`; id `nat`), on loopback, where every
 * request comes from 127.0.0.1 — one address, as behind a carrier's NAT:
 *
 * - 10,000 phones (at scale 1) come back after a blackout, starting within BLACKOUT_RETURN_S of each other, each
 *   with 1–3 visits made during it at venues drawn from 2,000 (a few busy venues, many quiet ones). A phone
 *   uploads as the app does (src/core/checkin-upload.ts, backoff.ts): one visit per request (check-in and
 *   check-out), a 0–2 s pause before each request after its first, and on a 429 or an error it waits the app's
 *   backoff with full jitter, never less than Retry-After, and sends the same request again.
 * - Meanwhile one abuser at the same address sends uploads back to back, ABUSER_IN_FLIGHT at a time, with valid
 *   proofs for fresh ids, for ABUSE_S seconds: once with the poster of the NAT's busiest venue (the worst case
 *   for the phones that visited it: they share its key), once with the posters of 50 venues spread over all.
 *
 * The server is the real process (server/main.ts, PostgreSQL, the default rate limit 10/60 per key). Figures: the
 * time until every phone's visits are stored, and how much the abuser got through. Bounded: each scenario stops
 * at its cap, and the table is counted afterwards against what the answers said was stored.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../../server/db';
import { claimDemoDir, demoInit } from '../../server/demo';
import { migrate } from '../../server/migrations';
import { ADDRESS_SHARE, DEFAULT_RATE_LIMIT } from '../../server/rate-limit';
import { backoffDelay, parseRetryAfter } from '../../src/core/backoff';
import { checkInProofOf, uploadPauseMs } from '../../src/core/checkin-upload';
import { postgresBinDir, startPostgres } from '../../test/support/postgres';
import { startServerProcess } from '../../test/support/server-process';

export const NAT_START = '<!-- bench-nat:start -->';
export const NAT_END = '<!-- bench-nat:end -->';
const PHONES = 10_000;
const VENUES = 2_000;
/** Phones reconnect within this many seconds of the power and the cell towers coming back. */
const BLACKOUT_RETURN_S = 10;
const ABUSER_IN_FLIGHT = 16;
/** How long the abuser floods (or until every phone is served). */
const ABUSE_S = 120;
/** Sockets the NAT's phones hold to the server at once (the client side of a busy carrier gateway). */
const PHONE_SOCKETS = 64;
/** Every scenario stops here, served or not. */
const CAP_S = 600;
/** The target: every phone served within this many seconds of the first reconnecting. */
const TARGET_S = 300;

export interface NatBenchOptions {
  readonly scale: number;
  readonly machine: string;
}

export interface Venue {
  readonly id: string;
  readonly code: string;
}

interface Scenario {
  readonly name: string;
  readonly posters: number;
  readonly phones: number;
  readonly visits: number;
  /** Seconds until the last phone's last visit was stored; undefined if some were not by the cap. */
  readonly allServedS: number | undefined;
  /** The same for the phones with no visit at a venue whose poster the abuser floods. */
  readonly othersServedS: number | undefined;
  /** Phones with a visit at a venue the abuser floods (they share its key). */
  readonly sharing: number;
  readonly servedPhones: number;
  readonly p50S: number;
  readonly p95S: number;
  readonly phoneRequests: number;
  readonly phone429: number;
  /** Items the answers to phones said were stored (check-ins and check-outs). */
  readonly phoneStored: number;
  readonly abuserSent: number;
  readonly abuserAdmitted: number;
  readonly abuserStored: number;
  readonly seconds: number;
  readonly rowsChecked: string;
}

const now = () => Math.floor(Date.now() / 1000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

function post(agent: Agent, url: string, body: string): Promise<{ status: number; text: string; retryAfter?: string }> {
  return new Promise((resolve) => {
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
      const retryAfter = res.headers['retry-after'];
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, ...(retryAfter ? { retryAfter } : {}) }));
    });
    // A refused or dropped connection is what a phone sees as "network unavailable": retried like a 5xx.
    req.on('error', () => resolve({ status: 0, text: '' }));
    req.end(body);
  });
}

/** One visit's upload: its check-in and check-out, as the app sends it. */
function visitBody(id: string, venue: Venue, at: number): string {
  return JSON.stringify({
    items: [
      {
        id,
        op: 'checkin',
        venueId: venue.id,
        at,
        autoCheckOutAt: at + 3600,
        people: 1,
        proof: checkInProofOf(id, venue.code),
      },
      { id, op: 'checkout', at: at + 1800 },
    ],
  });
}

const storedIn = (text: string) =>
  (JSON.parse(text) as { results: { status: string }[] }).results.filter((r) => r.status === 'stored').length;

/** A seeded generator (mulberry32): the same phones, venues and pauses in every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

async function runScenario(
  name: string,
  url: string,
  venues: readonly Venue[],
  phones: number,
  posters: number,
  runTag: number,
): Promise<Omit<Scenario, 'rowsChecked'>> {
  const random = seeded(17 + runTag);
  const phoneAgent = new Agent({ keepAlive: true, maxSockets: PHONE_SOCKETS });
  const abuserAgent = new Agent({ keepAlive: true, maxSockets: ABUSER_IN_FLIGHT });
  const endpoint = `${url}/v1/checkins`;
  const blackoutAt = now() - 3 * 3600;
  const started = performance.now();
  const deadline = started + CAP_S * 1000;
  let phoneRequests = 0;
  let phone429 = 0;
  let phoneStored = 0;
  let visits = 0;
  const doneAt: number[] = [];
  const othersDoneAt: number[] = [];
  let sharing = 0;
  // The abuser's posters: the busiest venue, or venues spread evenly over all.
  const abused = new Set(Array.from({ length: posters }, (_, i) => Math.floor((i * VENUES) / posters)));
  const abusedVenues = [...abused].map((i) => venues[i] as Venue);

  const phone = async (p: number) => {
    // 40 % made one visit, 40 % two, 20 % three; busy venues are likelier (u³ leans to low indices).
    const r = random();
    const count = r < 0.4 ? 1 : r < 0.8 ? 2 : 3;
    let shares = false;
    const bodies = Array.from({ length: count }, (_, v) => {
      const index = Math.floor(VENUES * random() ** 3);
      if (abused.has(index)) shares = true;
      const venue = venues[index] as Venue;
      return visitBody(`${hex(runTag, 4)}${hex(p, 20)}${hex(v, 8)}`, venue, blackoutAt + 600 * v);
    });
    visits += count;
    if (shares) sharing++;
    const pauses = bodies.map(() => uploadPauseMs(random()));
    const retries = bodies.map(() => random());
    await sleep(random() * BLACKOUT_RETURN_S * 1000);
    let attempt = 0;
    for (let i = 0; i < bodies.length; i++) {
      if (i > 0) await sleep(pauses[i] as number);
      for (;;) {
        if (performance.now() > deadline) return;
        phoneRequests++;
        const res = await post(phoneAgent, endpoint, bodies[i] as string);
        if (res.status === 200) {
          phoneStored += storedIn(res.text);
          attempt = 0;
          break;
        }
        if (res.status === 429) phone429++;
        const wait = backoffDelay(attempt++, retries[i] as number, undefined, parseRetryAfter(res.retryAfter, now()));
        await sleep(wait * 1000);
      }
    }
    doneAt.push((performance.now() - started) / 1000);
    if (!shares) othersDoneAt.push((performance.now() - started) / 1000);
  };

  let abuserSent = 0;
  let abuserAdmitted = 0;
  let abuserStored = 0;
  let phonesRunning = true;
  const abuser = async (lane: number) => {
    const stopAt = started + ABUSE_S * 1000;
    for (let n = 0; phonesRunning && performance.now() < stopAt; n++) {
      const venue = abusedVenues[(lane * 7 + n) % posters] as Venue;
      const id = `${hex(runTag, 4)}ab${hex(lane, 6)}${hex(n, 20)}`;
      abuserSent++;
      const res = await post(abuserAgent, endpoint, visitBody(id, venue, blackoutAt));
      if (res.status === 200) {
        abuserAdmitted++;
        abuserStored += storedIn(res.text);
      }
    }
  };

  const abusers = Array.from({ length: posters > 0 ? ABUSER_IN_FLIGHT : 0 }, (_, lane) => abuser(lane));
  await Promise.all(Array.from({ length: phones }, (_, p) => phone(p)));
  phonesRunning = false;
  await Promise.all(abusers);
  const seconds = (performance.now() - started) / 1000;
  phoneAgent.destroy();
  abuserAgent.destroy();
  const sorted = [...doneAt].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return {
    name,
    posters,
    phones,
    visits,
    allServedS: doneAt.length === phones ? (sorted.at(-1) ?? 0) : undefined,
    othersServedS: othersDoneAt.length === phones - sharing ? Math.max(0, ...othersDoneAt) : undefined,
    sharing,
    servedPhones: doneAt.length,
    p50S: at(0.5),
    p95S: at(0.95),
    phoneRequests,
    phone429,
    phoneStored,
    abuserSent,
    abuserAdmitted,
    abuserStored,
    seconds,
  };
}

/** Venues are busiest at low indices (phones pick them by u³): malls first, then shops, then kiosks. */
const capacityOf = (v: number) => (v < 20 ? 5000 : v < 200 ? 500 : 50);

/** The demo's keys and bundle (the server refuses to start without a trust anchor) and the bench's venues. */
async function prepareData(dataDir: string, databaseUrl?: string): Promise<Venue[]> {
  claimDemoDir(dataDir, now() - 60);
  const db = await openDb({ dataDir, ...(databaseUrl ? { databaseUrl } : {}) });
  try {
    await migrate(db);
    await demoInit(dataDir, db, now() - 60, 'http://127.0.0.1');
    const venues: Venue[] = Array.from({ length: VENUES }, (_, v) => ({
      id: `bench-nat-${hex(v, 4)}`,
      code: `${v}${'3'.repeat(120)}`,
    }));
    await db.query(
      `insert into venues (id, name, address, category, region, capacity, stay_minutes, code, short_code_body)
       select id, id, 'Jl. Bench', 'shop', '31', capacity, 60, code, upper(id)
       from unnest($1::text[], $2::text[], $3::int[]) as t(id, code, capacity)`,
      [venues.map((v) => v.id), venues.map((v) => v.code), venues.map((_, v) => capacityOf(v))],
    );
    return venues;
  } finally {
    await db.close();
  }
}

/** What one request costs: one-visit uploads (2 items) back to back, limit off, 16 in flight, for the load model. */
export interface Capacity {
  /** CPU milliseconds per request: the server process, and PostgreSQL's processes (0 for PGlite, in-process). */
  readonly nodeCpuMs?: number;
  readonly dbCpuMs?: number;
  readonly requests: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly stored: number;
}

const CAPACITY_IN_FLIGHT = 16;
const CAPACITY_CAP_S = 30;

export async function measureUploads(url: string, venues: readonly Venue[], count: number): Promise<Capacity> {
  const agent = new Agent({ keepAlive: true, maxSockets: CAPACITY_IN_FLIGHT });
  const at = now() - 3600;
  const tag = Math.floor(Math.random() * 2 ** 16);
  const bodies = Array.from({ length: count }, (_, i) =>
    visitBody(`${hex(tag, 4)}cc${hex(i, 26)}`, venues[i % venues.length] as Venue, at),
  );
  let next = 0;
  let stored = 0;
  const started = performance.now();
  const deadline = started + CAPACITY_CAP_S * 1000;
  await Promise.all(
    Array.from({ length: CAPACITY_IN_FLIGHT }, async () => {
      while (next < bodies.length && performance.now() < deadline) {
        const res = await post(agent, `${url}/v1/checkins`, bodies[next++] as string);
        if (res.status === 200) stored += storedIn(res.text);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { requests: next, seconds, perSecond: next / seconds, stored };
}

export interface CapacityRow extends Capacity {
  readonly engine: string;
}

/** CPU seconds (user + system) of these processes so far, from /proc (Linux, 100 ticks a second). */
function cpuSecondsOf(pids: Iterable<number>): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(pid, (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // gone, or not Linux: counts nothing
    }
  }
  return out;
}

const cpuSpent = (before: Map<number, number>, after: Map<number, number>) =>
  [...after].reduce((sum, [pid, s]) => sum + s - (before.get(pid) ?? 0), 0);

/**
 * One-visit uploads per second with the limit off, and their CPU time per request — unlike requests/s, CPU time
 * per request hardly depends on what else the shared machine runs. on PGlite and (when installed) PostgreSQL. */
export async function runCapacity(scale: number): Promise<CapacityRow[]> {
  const count = Math.max(1000, Math.round(10_000 * scale));
  const rows: CapacityRow[] = [];
  const off = { env: { SINGGAH_RATE_LIMIT: '0' } };
  for (const engine of ['PGlite', 'PostgreSQL']) {
    if (engine === 'PostgreSQL' && !postgresBinDir()) continue;
    const root = mkdtempSync(join(tmpdir(), 'singgah-bench-nat-cap-'));
    const cluster = engine === 'PostgreSQL' ? await startPostgres() : undefined;
    try {
      const dataDir = join(root, 'data');
      const venues = await prepareData(dataDir, cluster?.url);
      const server = await startServerProcess(dataDir, join(root, 'no-dist'), undefined, {
        env: { ...off.env, ...(cluster ? { DATABASE_URL: cluster.url } : {}) },
      });
      const pg = cluster ? await openDb({ dataDir, databaseUrl: cluster.url }) : undefined;
      const dbPids = async () =>
        pg ? (await pg.query<{ pid: number }>('select pid from pg_stat_activity')).map((r) => Number(r.pid)) : [];
      try {
        const nodeBefore = cpuSecondsOf(server.pid ? [server.pid] : []);
        const dbBefore = cpuSecondsOf(await dbPids());
        const measured = await measureUploads(server.url, venues, count);
        const nodeCpu = cpuSpent(nodeBefore, cpuSecondsOf(server.pid ? [server.pid] : []));
        const dbCpu = cpuSpent(dbBefore, cpuSecondsOf(new Set([...dbBefore.keys(), ...(await dbPids())])));
        rows.push({
          engine,
          ...measured,
          ...(server.pid ? { nodeCpuMs: (1000 * nodeCpu) / measured.requests } : {}),
          ...(pg ? { dbCpuMs: (1000 * dbCpu) / measured.requests } : {}),
        });
        console.log(`  nat capacity ${engine}: ${fmt(rows.at(-1)?.perSecond ?? 0)} one-visit uploads/s`);
      } finally {
        await pg?.close();
        await server.stop();
      }
    } finally {
      await cluster?.stop();
      rmSync(root, { recursive: true, force: true });
    }
  }
  return rows;
}

export async function runNatBench(options: NatBenchOptions): Promise<string> {
  const phones = Math.max(500, Math.round(PHONES * options.scale));
  const root = mkdtempSync(join(tmpdir(), 'singgah-bench-nat-'));
  const dataDir = join(root, 'data');
  const scenarios: Scenario[] = [];
  // PostgreSQL, as in production (PGlite's single thread would measure itself, not the limiter).
  const cluster = await startPostgres();
  try {
    const venues = await prepareData(dataDir, cluster.url);
    const plan: [string, number][] = [
      ['abuser with 1 venue poster', 1],
      ['abuser with 50 venue posters', 50],
      ['no abuser', 0],
    ];
    const countRows = async () => {
      const counting = await openDb({ dataDir, databaseUrl: cluster.url });
      const [{ n }] = await counting.query<{ n: string | number }>('select count(*) as n from checkin_events');
      await counting.close();
      return Number(n);
    };
    for (const [tag, [name, posters]] of plan.entries()) {
      const before = await countRows();
      // A fresh server each time: full buckets and a cold venue-code cache, as after a restart.
      const server = await startServerProcess(dataDir, join(root, 'no-dist'), undefined, {
        env: {
          SINGGAH_RATE_LIMIT: `${DEFAULT_RATE_LIMIT.perSecond}/${DEFAULT_RATE_LIMIT.burst}`,
          DATABASE_URL: cluster.url,
        },
      });
      let result: Omit<Scenario, 'rowsChecked'>;
      try {
        result = await runScenario(name, server.url, venues, phones, posters, tag);
      } finally {
        await server.stop();
      }
      // The table must hold exactly what the answers said was stored, phones' and abuser's.
      const added = (await countRows()) - before;
      const answered = result.phoneStored + result.abuserStored;
      const rowsChecked =
        added === answered && result.phoneStored === 2 * result.visits
          ? `${fmt(added)} new rows, as answered`
          : `MISMATCH: ${added} new rows, ${answered} answered stored, ${2 * result.visits} phone items`;
      scenarios.push({ ...result, rowsChecked });
      console.log(`  nat row: ${JSON.stringify({ ...result, rowsChecked })}`);
      console.log(
        `  nat ${name}: all served in ${result.allServedS?.toFixed(0) ?? '—'} s, abuser ${result.abuserAdmitted}/${result.abuserSent} admitted`,
      );
    }
  } finally {
    await cluster.stop();
    rmSync(root, { recursive: true, force: true });
  }
  const capacity = await runCapacity(options.scale);
  return section(options, scenarios, capacity);
}

const fmt = (x: number, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits });

function section(options: NatBenchOptions, scenarios: readonly Scenario[], capacity: readonly CapacityRow[]): string {
  const capacityRows = capacity.map(
    (c) =>
      `| ${c.engine} | ${fmt(c.requests)} in ${c.seconds.toFixed(1)} s | ${fmt(c.perSecond)} | ${c.nodeCpuMs === undefined ? '—' : `**${c.nodeCpuMs.toFixed(2)}**`} | ${c.dbCpuMs === undefined ? '— (in the server process)' : `**${c.dbCpuMs.toFixed(2)}**`} | ${c.stored === 2 * c.requests ? 'every item stored' : `ERROR: ${c.stored} of ${2 * c.requests} items stored`} |`,
  );
  const served = (x: number | undefined) => (x === undefined ? `not all by ${CAP_S} s` : `${fmt(x)} s`);
  const rows = scenarios.map(
    (s) =>
      `| ${s.name} | ${fmt(s.phones)} / ${fmt(s.visits)} | **${served(s.othersServedS)}** | ${s.posters === 0 ? '—' : `${fmt(s.sharing)}: ${served(s.allServedS)}`} | ${fmt(s.p50S)} / ${fmt(s.p95S)} s | ${fmt(s.phoneRequests)} (${fmt(s.phone429)} × 429) | ${s.posters === 0 ? '—' : `**${fmt(s.abuserAdmitted)}** of ${fmt(s.abuserSent)} (${fmt(s.abuserAdmitted / Math.min(s.seconds, ABUSE_S), 1)}/s)`} | ${s.rowsChecked} |`,
  );
  const met = scenarios.every((s) => s.othersServedS !== undefined && s.othersServedS <= TARGET_S);
  const allMet = scenarios.every((s) => s.allServedS !== undefined && s.allServedS <= TARGET_S);
  const address = DEFAULT_RATE_LIMIT.perSecond * ADDRESS_SHARE;
  return `${NAT_START}
<!-- Generated by \`npm run bench -- --only nat\` (scripts/bench/nat.ts); edits between these markers are overwritten. -->

${options.machine}

One address (loopback), the real server (PostgreSQL, default limit ${DEFAULT_RATE_LIMIT.perSecond}/s burst ${DEFAULT_RATE_LIMIT.burst} per key, ${fmt(address)}/s burst ${fmt(DEFAULT_RATE_LIMIT.burst * ADDRESS_SHARE)} per address), restarted for each row (cold caches). Phones return within ${BLACKOUT_RETURN_S} s over ${PHONE_SOCKETS} sockets, one visit per request with the app's pauses and backoff; the abuser keeps ${ABUSER_IN_FLIGHT} uploads in flight, valid proofs, fresh ids.

| Scenario | Phones / visits | Every phone served (none at the abuser's venues) | Phones sharing a venue with the abuser: all served | All phones done, p50 / p95 | Phone requests | Abuser admitted (of sent) | Table checked |
| --- | --: | --: | --: | --: | --: | --: | --- |
${rows.join('\n')}

- **Target** every phone served within ${TARGET_S / 60} minutes of the blackout's end, with the abuser at the same address (phones not at the venues it floods): **${met ? 'MET' : 'NOT MET'}**; counting the phones that share a venue key with the abuser too: **${allMet ? 'MET' : 'NOT MET'}**. The abuser floods for ${ABUSE_S} s.

What one upload costs (for the load model in docs/OPERATIONS.md): one-visit uploads (check-in and check-out, proof checked, 2 rows) with the limit off, ${CAPACITY_IN_FLIGHT} in flight, the load generator on the same cores:

| Database | Requests | Requests/s (shared machine) | Server CPU ms per request | PostgreSQL CPU ms per request | Checked |
| --- | --: | --: | --: | --: | --- |
${capacityRows.join('\n')}

- Before (one bucket per address, ${DEFAULT_RATE_LIMIT.perSecond}/s burst ${DEFAULT_RATE_LIMIT.burst}), by arithmetic: the ${fmt(scenarios[0]?.visits ?? 0)} visits need at least ${fmt(((scenarios[0]?.visits ?? 0) - DEFAULT_RATE_LIMIT.burst) / DEFAULT_RATE_LIMIT.perSecond / 60)} minutes with no abuser at all, and an abuser sending faster than the phones takes most of each second's ${DEFAULT_RATE_LIMIT.perSecond} tokens.
${NAT_END}`;
}
