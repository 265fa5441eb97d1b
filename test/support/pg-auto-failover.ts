/**
 * A throwaway pg_auto_failover formation on loopback for tests and benchmarks: a monitor and two data nodes
 * (a primary and its synchronous standby), each a `pg_autoctl … --run` process in its own process group, all in
 * one temp dir, TCP on 127.0.0.1 and sockets in the temp dir only. Killing a node's process group is losing the
 * machine: its keeper and its PostgreSQL die at once, without a shutdown.
 *
 * The monitor's health checks are tightened (1 s period, unhealthy after 2 s, demote timeout 3 s) so that a
 * failover takes seconds instead of the default half minute; docs/OPERATIONS.md says what production keeps.
 * fsync is off (loopback throwaway data; the zero-loss claim rests on synchronous replication to the standby,
 * which fsync does not change, and the processes die, not the machine).
 *
 * Binaries: `pg_autoctl` (Debian `pg-auto-failover-cli`) on PATH or beside PostgreSQL's, and the
 * `postgresql-<version>-auto-failover` extension for the PostgreSQL of test/support/postgres.ts;
 * scripts/ensure-postgres.mjs installs both in CI.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import pg from 'pg';
import { postgresBinDir } from './postgres';
import { freePort } from './server-process';

export interface NodeState {
  readonly name: string;
  readonly port: number;
  readonly reported: string;
  readonly goal: string;
}

export interface AutoFailoverCluster {
  /** The formation's URI from the monitor: both nodes, `target_session_attrs=read-write`. */
  readonly url: string;
  readonly monitorUrl: string;
  readonly nodeNames: readonly string[];
  /** The nodes as the monitor sees them. */
  states(): Promise<NodeState[]>;
  /** Polls the monitor until `done` holds (every 100 ms, at most `withinMs`); throws with the node logs. */
  waitFor(done: (nodes: readonly NodeState[]) => boolean, what: string, withinMs?: number): Promise<NodeState[]>;
  /** SIGKILL to the node's whole process group: keeper and PostgreSQL gone at once. */
  kill(name: string): void;
  /** Starts a killed node's keeper again (`pg_autoctl run`): it rejoins as a standby. */
  restart(name: string): void;
  stop(): Promise<void>;
}

const MONITOR_SETTINGS: Readonly<Record<string, number>> = {
  'pgautofailover.health_check_period': 1000,
  'pgautofailover.health_check_timeout': 1000,
  'pgautofailover.health_check_max_retries': 1,
  'pgautofailover.health_check_retry_delay': 500,
  'pgautofailover.node_considered_unhealthy_timeout': 2000,
  'pgautofailover.primary_demote_timeout': 3000,
  'pgautofailover.startup_grace_period': 2000,
};

export function pgAutoctlPath(): string | undefined {
  const dirs = [postgresBinDir(), ...(process.env.PATH ?? '').split(delimiter)].filter((d): d is string => !!d);
  return dirs.map((d) => join(d, 'pg_autoctl')).find((p) => existsSync(p));
}

/** Why the failover test cannot run, or undefined. In CI a missing pg_auto_failover is an error, never a skip. */
export function autoFailoverSkipReason(): string | undefined {
  const bin = postgresBinDir();
  const missing = !bin
    ? 'PostgreSQL binaries not found'
    : !pgAutoctlPath()
      ? 'pg_autoctl not found'
      : !existsSync(
            join(
              execFileSync(join(bin, 'pg_config'), ['--sharedir'], { encoding: 'utf8' }).trim(),
              'extension',
              'pgautofailover.control',
            ),
          )
        ? 'the pgautofailover extension is not installed'
        : undefined;
  if (!missing) return undefined;
  const reason = `${missing}: run \`node scripts/ensure-postgres.mjs\` (Debian: postgresql-<version>-auto-failover)`;
  if (process.env.CI) throw new Error(`${reason} — required in CI`);
  return reason;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

async function queryOnce<T>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end().catch(() => undefined);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startAutoFailover(): Promise<AutoFailoverCluster> {
  const bin = postgresBinDir();
  const autoctl = pgAutoctlPath();
  if (!bin || !autoctl) throw new Error('pg_auto_failover not found (see autoFailoverSkipReason)');
  const dir = mkdtempSync(join(tmpdir(), 'singgah-paf-'));
  const owner = isRoot()
    ? {
        uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
        gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
      }
    : undefined;
  if (owner) chownSync(dir, owner.uid, owner.gid);
  // pg_autoctl keeps its state under XDG_* and puts sockets where PG_REGRESS_SOCK_DIR says: all in `dir`.
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_DATA_HOME: join(dir, 'share'),
    XDG_RUNTIME_DIR: join(dir, 'run'),
    PG_REGRESS_SOCK_DIR: dir,
    PGHOST: dir,
    PG_CONFIG: join(bin, 'pg_config'),
  };
  const processes = new Map<string, ChildProcess>();
  const logOf = (name: string) => join(dir, `${name}.log`);

  const launch = (name: string, args: readonly string[]) => {
    const log = logOf(name);
    appendFileSync(log, `$ pg_autoctl ${args.join(' ')}\n`);
    if (owner) chownSync(log, owner.uid, owner.gid);
    const child = spawn(autoctl, args, {
      env,
      cwd: dir,
      detached: true, // its own process group: kill() takes the keeper and its PostgreSQL together
      stdio: ['ignore', 'ignore', 'ignore'],
      ...(owner ?? {}),
    });
    // pg_autoctl writes its log to stderr; a file keeps it for the error message without a pipe to drain.
    child.unref();
    processes.set(name, child);
  };
  const initdb = (name: string, settings: Readonly<Record<string, string | number>>) => {
    const data = join(dir, name);
    const r = spawnSync(
      join(bin, 'initdb'),
      ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync'],
      { env, cwd: dir, encoding: 'utf8', ...(owner ?? {}) },
    );
    if (r.status !== 0) throw new Error(`initdb ${name} failed: ${r.stderr}`);
    const lines = Object.entries({ fsync: 'off', ...settings }).map(([k, v]) => `${k} = ${v}\n`);
    appendFileSync(join(data, 'postgresql.conf'), lines.join(''));
  };
  /** `group`: the keeper and every process it started (PostgreSQL too); else the keeper alone, to stop in order. */
  const signal = (child: ChildProcess | undefined, sig: NodeJS.Signals, group: boolean) => {
    if (child?.pid === undefined) return;
    try {
      process.kill(group ? -child.pid : child.pid, sig);
    } catch {
      // already gone
    }
  };
  const logs = () =>
    ['monitor', 'node1', 'node2']
      .map((n) => `--- ${n}.log (end) ---\n${existsSync(logOf(n)) ? readFileSync(logOf(n), 'utf8').slice(-3000) : ''}`)
      .join('\n');

  let stopped = false;
  const stopNow = () => {
    if (stopped) return;
    stopped = true;
    for (const child of processes.values()) signal(child, 'SIGKILL', true);
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stopNow);

  const [monitorPort, ...nodePorts] = await Promise.all([freePort(), freePort(), freePort()]);
  const monitorUrl = `postgres://autoctl_node@127.0.0.1:${monitorPort}/pg_auto_failover`;
  const common = ['--hostname', '127.0.0.1', '--listen', '127.0.0.1', '--auth', 'trust', '--no-ssl', '--run'];

  const states = async (): Promise<NodeState[]> =>
    (
      await queryOnce<{ name: string; port: number; reported: string; goal: string }>(
        monitorUrl,
        'select nodename as name, nodeport as port, reportedstate::text as reported, goalstate::text as goal from pgautofailover.node order by nodeid',
      )
    ).map((r) => ({ ...r, port: Number(r.port) }));

  const waitFor = async (done: (nodes: readonly NodeState[]) => boolean, what: string, withinMs = 60_000) => {
    const deadline = Date.now() + withinMs;
    let last: NodeState[] = [];
    for (;;) {
      try {
        last = await states();
        if (done(last)) return last;
      } catch {
        // the monitor is starting
      }
      if (Date.now() > deadline) {
        throw new Error(
          `pg_auto_failover: no ${what} within ${withinMs} ms; nodes: ${JSON.stringify(last)}\n${logs()}`,
        );
      }
      await sleep(100);
    }
  };
  const is = (nodes: readonly NodeState[], name: string, state: string) =>
    nodes.some((n) => n.name === name && n.reported === state && n.goal === state);

  try {
    initdb('monitor', MONITOR_SETTINGS);
    initdb('node1', {});
    launch('monitor', [
      'create',
      'monitor',
      '--pgdata',
      join(dir, 'monitor'),
      '--pgport',
      String(monitorPort),
      ...common,
    ]);
    await waitFor(() => true, 'monitor', 60_000);
    const node = (i: number) => [
      'create',
      'postgres',
      '--pgdata',
      join(dir, `node${i + 1}`),
      '--pgport',
      String(nodePorts[i]),
      '--name',
      `node${i + 1}`,
      '--monitor',
      monitorUrl,
      ...common,
    ];
    launch('node1', node(0));
    await waitFor((n) => is(n, 'node1', 'single'), 'node1 as a single node');
    // The standby's base backup waits for a spread checkpoint; one done now leaves it little to write.
    await queryOnce(`postgres://postgres@127.0.0.1:${nodePorts[0]}/postgres`, 'checkpoint');
    launch('node2', node(1));
    await waitFor((n) => is(n, 'node1', 'primary') && is(n, 'node2', 'secondary'), 'primary and secondary', 90_000);
    // The formation's URI as `pg_autoctl show uri` prints it, with sslmode for this TLS-less loopback set-up.
    const [{ uri }] = await queryOnce<{ uri: string }>(
      monitorUrl,
      `select pgautofailover.formation_uri('default', 'default', 'disable', '', '') as uri`,
    );
    return {
      url: uri,
      monitorUrl,
      nodeNames: ['node1', 'node2'],
      states,
      waitFor,
      kill: (name) => signal(processes.get(name), 'SIGKILL', true),
      restart: (name) => launch(name, ['run', '--pgdata', join(dir, name)]),
      async stop() {
        process.removeListener('exit', stopNow);
        // SIGTERM: each keeper stops its PostgreSQL (fast shutdown) and exits; then whatever is left is killed.
        for (const child of processes.values()) signal(child, 'SIGTERM', false);
        const deadline = Date.now() + 15_000;
        while (
          Date.now() < deadline &&
          [...processes.values()].some((c) => c.exitCode === null && c.signalCode === null)
        ) {
          await sleep(100);
        }
        stopNow();
      },
    };
  } catch (e) {
    stopNow();
    process.removeListener('exit', stopNow);
    throw e;
  }
}
