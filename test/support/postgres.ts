/**
 * A throwaway PostgreSQL cluster for tests and benchmarks: initdb in a temp dir, started on a free loopback
 * port (TCP on 127.0.0.1 and a socket in the temp dir only), stopped and deleted afterwards. PostgreSQL
 * refuses to run as root, so as root every command runs as the `postgres` user (runuser).
 * Binaries: PG_BIN, else the newest /usr/lib/postgresql/<version>/bin (Debian's `postgresql` package;
 * scripts/ensure-postgres.mjs installs it in CI).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './server-process';

const LIB = '/usr/lib/postgresql';

export function postgresBinDir(): string | undefined {
  const fromEnv = process.env.PG_BIN;
  if (fromEnv) return existsSync(join(fromEnv, 'initdb')) ? fromEnv : undefined;
  if (!existsSync(LIB)) return undefined;
  const newest = readdirSync(LIB)
    .filter((v) => /^\d+$/.test(v) && existsSync(join(LIB, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a))[0];
  return newest ? join(LIB, newest, 'bin') : undefined;
}

/**
 * Why PostgreSQL tests would not run, or undefined when they can. In CI a missing PostgreSQL is an error,
 * never a skip: CI installs it (.ci/run → scripts/ensure-postgres.mjs).
 */
export function postgresSkipReason(): string | undefined {
  if (postgresBinDir()) return undefined;
  const reason = `PostgreSQL binaries not found (PG_BIN or ${LIB}/<version>/bin/initdb): run \`sudo apt-get install -y postgresql\``;
  if (process.env.CI) throw new Error(`${reason} — required in CI`);
  return reason;
}

export interface PostgresCluster {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  readonly url: string;
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** Extra `-c name=value` settings, e.g. fsync=off for tests (never for a benchmark that reports). */
  readonly settings?: Readonly<Record<string, string>>;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

function asOwner(bin: string, args: readonly string[]): void {
  const [cmd, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, [...args]];
  const r = spawnSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
}

export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL binaries not found (see postgresSkipReason)');
  const dir = mkdtempSync(join(tmpdir(), 'singgah-pg-'));
  const data = join(dir, 'data');
  if (isRoot()) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const port = await freePort();
  const settings = { listen_addresses: '127.0.0.1', ...options.settings };
  const flags = [`-p ${port}`, `-k ${dir}`, ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`)].join(' ');
  const pgCtl = join(bin, 'pg_ctl');
  let running = false;
  const stopNow = () => {
    if (!running) return;
    running = false;
    try {
      asOwner(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  // A test process that dies without its afterAll must not leave a postgres behind.
  process.once('exit', stopNow);
  try {
    asOwner(join(bin, 'initdb'), [
      '-D',
      data,
      '-A',
      'trust',
      '-U',
      'postgres',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    asOwner(pgCtl, ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', '-o', flags, 'start']);
    running = true;
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      process.removeListener('exit', stopNow);
      stopNow();
    },
  };
}
