#!/usr/bin/env node
// Makes sure PostgreSQL's server binaries exist for the server tests and the benchmark (each starts its own
// throwaway cluster in a temp dir: test/support/postgres.ts), and pg_auto_failover for that PostgreSQL (the
// failover test's monitor and two nodes: test/support/pg-auto-failover.ts). Present: prints where and exits 0.
// Missing: installs Debian's `postgresql` and `postgresql-<version>-auto-failover` with apt when running as
// root, otherwise prints the command and exits 1.
// Honours PG_BIN (a directory holding initdb and pg_ctl), like test/support/postgres.ts.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { basename, delimiter, dirname, join } from 'node:path';

const LIB = '/usr/lib/postgresql';

function findBin() {
  if (process.env.PG_BIN) return existsSync(join(process.env.PG_BIN, 'initdb')) ? process.env.PG_BIN : undefined;
  if (!existsSync(LIB)) return undefined;
  const versions = readdirSync(LIB)
    .filter((v) => /^\d+$/.test(v) && existsSync(join(LIB, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? join(LIB, versions[0], 'bin') : undefined;
}

function run(cmd, args) {
  console.log(`ensure-postgres: $ ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    console.error(`ensure-postgres: ${cmd} exited with ${r.status ?? r.signal}`);
    process.exit(1);
  }
}

/** pg_auto_failover for the PostgreSQL in `bin`: the `pg_autoctl` command and the monitor's extension. */
function hasAutoFailover(bin) {
  const dirs = [bin, ...(process.env.PATH ?? '').split(delimiter)].filter(Boolean);
  const autoctl = dirs.some((d) => existsSync(join(d, 'pg_autoctl')));
  const r = spawnSync(join(bin, 'pg_config'), ['--sharedir'], { encoding: 'utf8' });
  const extension = r.status === 0 && existsSync(join(r.stdout.trim(), 'extension', 'pgautofailover.control'));
  return autoctl && extension;
}

/** Debian's package name for a PostgreSQL under /usr/lib/postgresql/<version>/bin. */
const autoFailoverPackage = (bin) => `postgresql-${basename(dirname(bin))}-auto-failover`;

let bin = findBin();
if (bin && hasAutoFailover(bin)) {
  console.log(`ensure-postgres: ${bin} present, with pg_auto_failover`);
  process.exit(0);
}
if (process.env.PG_BIN) {
  console.error(
    bin
      ? `ensure-postgres: PG_BIN=${bin} has no pg_auto_failover (pg_autoctl and the pgautofailover extension)`
      : `ensure-postgres: PG_BIN=${process.env.PG_BIN} holds no initdb`,
  );
  process.exit(1);
}
const packages = bin ? [autoFailoverPackage(bin)] : ['postgresql'];
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot) {
  console.error(`ensure-postgres: ${bin ? 'pg_auto_failover' : 'PostgreSQL'} is missing. Install it with:`);
  console.error(`  sudo apt-get install -y ${bin ? packages[0] : 'postgresql postgresql-<version>-auto-failover'}`);
  console.error('(the tests start their own clusters on loopback ports; the system service is not used)');
  process.exit(1);
}
run('apt-get', ['update']);
run('apt-get', ['install', '-y', ...packages]);
bin = findBin();
if (!bin) {
  console.error(`ensure-postgres: apt-get finished but no ${LIB}/<version>/bin/initdb`);
  process.exit(1);
}
// The extension's package is named after the version apt just installed.
if (!hasAutoFailover(bin)) run('apt-get', ['install', '-y', autoFailoverPackage(bin)]);
if (!hasAutoFailover(bin)) {
  console.error(`ensure-postgres: apt-get finished but pg_auto_failover is still missing for ${bin}`);
  process.exit(1);
}
console.log(`ensure-postgres: ${bin} installed, with pg_auto_failover`);
