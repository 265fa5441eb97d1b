/**
 * The failover benchmark (`npm run bench -- --only failover --no-browser`, also part of a full `npm run bench`):
 * a pg_auto_failover formation on loopback (test/support/pg-auto-failover.ts: monitor + 2 nodes, synchronous
 * replication, the monitor's health checks at 1 s) behind the real server process (DATABASE_URL = the formation's
 * multi-host URI). A client keeps `IN_FLIGHT` uploads of 100 new check-ins in flight, each sent again until it is
 * answered 200 (as a phone's outbox does). ROUNDS times: load for a while, SIGKILL the current primary's keeper
 * and PostgreSQL, keep loading until uploads are stored again, restart the lost node (it rejoins as the standby)
 * and wait for it. Per round: kill → standby promoted (the monitor's view), kill → first upload stored that was
 * sent after the kill (so by the new primary), and the requests answered with an error meanwhile. At the end every check-in sent is counted in the database: lost
 * (acknowledged but missing) must be 0, and no (id, op) twice.
 *
 * Returns the Markdown section for docs/BENCHMARKS.md; scripts/bench/run.ts writes it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../../server/db';
import { claimDemoDir, demoInit } from '../../server/demo';
import { migrate } from '../../server/migrations';
import { type AutoFailoverCluster, pgAutoctlPath, startAutoFailover } from '../../test/support/pg-auto-failover';
import { type ServerProcess, startServerProcess } from '../../test/support/server-process';
import { type BenchVenue, batches, post } from './server';

export const FAILOVER_START = '<!-- bench-failover:start -->';
export const FAILOVER_END = '<!-- bench-failover:end -->';
const ROUNDS = 3;
const IN_FLIGHT = 4;
/** Load before each kill, and after uploads are stored again, so each round has steady traffic around it. */
const STEADY_MS = 2000;
/** Per round, whatever happens: a failover that never completes fails the bench rather than hanging it. */
const ROUND_CAP_MS = 120_000;

export interface FailoverBenchOptions {
  readonly machine: string;
}

interface Round {
  readonly killed: string;
  readonly promotedMs: number;
  readonly storedAgainMs: number;
  readonly failedRequests: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runFailoverBench(options: FailoverBenchOptions): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'singgah-bench-failover-'));
  const dataDir = join(root, 'data');
  let cluster: AutoFailoverCluster | undefined;
  let server: ServerProcess | undefined;
  const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  try {
    cluster = await startAutoFailover();
    const url = cluster.url.replace('postgres://', 'postgres://postgres@');
    claimDemoDir(dataDir, Math.floor(Date.now() / 1000) - 60);
    const db = await openDb({ dataDir, databaseUrl: url });
    await migrate(db);
    await demoInit(dataDir, db, Math.floor(Date.now() / 1000) - 60, 'http://127.0.0.1');
    const venues = await db.query<BenchVenue>('select id, code from venues order by id');
    server = await startServerProcess(dataDir, join(root, 'no-dist'), undefined, {
      env: { DATABASE_URL: url, SINGGAH_RATE_LIMIT: '0' },
    });
    const uploadUrl = `${server.url}/v1/checkins`;

    // The load: each worker sends batch after batch, each until it is stored; timings of every answer kept.
    const sent: string[] = [];
    /** Every answer, with when its request was sent: a 200 to a request sent after a kill came from the new primary. */
    const answers: { sentAt: number; at: number; ok: boolean }[] = [];
    let stop = false;
    const worker = async () => {
      while (!stop) {
        const [body] = batches(1, venues);
        sent.push(body);
        for (;;) {
          const sentAt = performance.now();
          const ok = await post(agent, uploadUrl, body).then(
            (r) => r.status === 200,
            () => false,
          );
          answers.push({ sentAt, at: performance.now(), ok });
          if (ok) break;
          await sleep(100);
        }
      }
    };
    const workers = Array.from({ length: IN_FLIGHT }, worker);

    const rounds: Round[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      await sleep(STEADY_MS);
      const nodes = await cluster.states();
      const primary = nodes.find((n) => n.reported === 'primary');
      const standby = nodes.find((n) => n.reported === 'secondary');
      if (!primary || !standby) throw new Error(`round ${r + 1}: no primary and secondary: ${JSON.stringify(nodes)}`);
      const killedAt = performance.now();
      cluster.kill(primary.name);
      await cluster.waitFor(
        (ns) => ns.some((n) => n.name === standby.name && ['wait_primary', 'primary'].includes(n.reported)),
        `promotion of ${standby.name}`,
        ROUND_CAP_MS,
      );
      const promotedMs = performance.now() - killedAt;
      const deadline = killedAt + ROUND_CAP_MS;
      const fromNewPrimary = (a: { sentAt: number; ok: boolean }) => a.ok && a.sentAt > killedAt;
      while (!answers.some(fromNewPrimary)) {
        if (performance.now() > deadline) throw new Error(`round ${r + 1}: nothing stored after the failover`);
        await sleep(20);
      }
      const storedAgain = answers.find(fromNewPrimary)?.at ?? killedAt;
      rounds.push({
        killed: primary.name,
        promotedMs,
        storedAgainMs: storedAgain - killedAt,
        failedRequests: answers.filter((a) => !a.ok && a.at > killedAt && a.at <= storedAgain).length,
      });
      console.log(
        `  failover ${r + 1}: ${primary.name} killed; ${standby.name} promoted after ${Math.round(promotedMs)} ms, uploads stored again after ${Math.round(storedAgain - killedAt)} ms`,
      );
      await sleep(STEADY_MS);
      cluster.restart(primary.name);
      await cluster.waitFor(
        (ns) => ns.some((n) => n.name === primary.name && n.reported === 'secondary' && n.goal === 'secondary'),
        `${primary.name} back as the standby`,
        ROUND_CAP_MS,
      );
    }
    stop = true;
    await Promise.all(workers);

    const items = sent.flatMap((b) => (JSON.parse(b) as { items: { id: string }[] }).items.map((i) => i.id));
    const [{ n, distinct }] = await db.query<{ n: string; distinct: string }>(
      'select count(*) as n, count(distinct (id, op)) as distinct from checkin_events where id = any($1::text[])',
      [items],
    );
    await db.close();
    return section(options, rounds, items.length, Number(n), Number(distinct));
  } finally {
    agent.destroy();
    await server?.stop();
    await cluster?.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function section(
  options: FailoverBenchOptions,
  rounds: readonly Round[],
  sent: number,
  rows: number,
  distinct: number,
) {
  const autoctl = pgAutoctlPath();
  const version = autoctl ? execFileSync(autoctl, ['--version'], { encoding: 'utf8' }).split('\n')[0] : 'pg_autoctl ?';
  const lines = [
    FAILOVER_START,
    '<!-- Generated by `npm run bench` (scripts/bench/run.ts, scripts/bench/failover.ts); edits between these markers are overwritten. -->',
    '',
    options.machine,
    `- ${version} on loopback: monitor + 2 nodes (synchronous replication), monitor health checks every 1 s, unhealthy after 2 s, demote timeout 3 s; ${IN_FLIGHT} uploads of 100 check-ins in flight, each resent until stored`,
    '',
    '| round | primary killed | standby promoted after | uploads stored again after | requests failed meanwhile |',
    '| ----- | -------------- | ---------------------- | -------------------------- | ------------------------- |',
    ...rounds.map(
      (r, i) =>
        `| ${i + 1} | ${r.killed} | ${seconds(r.promotedMs)} | ${seconds(r.storedAgainMs)} | ${r.failedRequests} |`,
    ),
    '',
    `Median: promoted after ${seconds(median(rounds.map((r) => r.promotedMs)))}, uploads stored again after ${seconds(
      median(rounds.map((r) => r.storedAgainMs)),
    )}. Check-ins sent: ${sent}; rows stored: ${rows} (${distinct} distinct); **lost: ${sent - distinct}**, doubled: ${
      rows - distinct
    }.`,
    FAILOVER_END,
  ];
  return lines.join('\n');
}
