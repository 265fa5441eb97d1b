#!/usr/bin/env node
// Makes sure PostgreSQL's server binaries exist for the server tests and the benchmark (each starts its own
// throwaway cluster in a temp dir: test/support/postgres.ts). Present: prints where and exits 0. Missing:
// installs Debian's `postgresql` with apt when running as root, otherwise prints the command and exits 1.
// Honours PG_BIN (a directory holding initdb and pg_ctl), like test/support/postgres.ts.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

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

let bin = findBin();
if (bin) {
  console.log(`ensure-postgres: ${bin} present`);
  process.exit(0);
}
if (process.env.PG_BIN) {
  console.error(`ensure-postgres: PG_BIN=${process.env.PG_BIN} holds no initdb`);
  process.exit(1);
}
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot) {
  console.error('ensure-postgres: PostgreSQL is missing. Install it with:');
  console.error('  sudo apt-get install -y postgresql');
  console.error('(the tests start their own cluster on a loopback port; the system service is not used)');
  process.exit(1);
}
run('apt-get', ['update']);
run('apt-get', ['install', '-y', 'postgresql']);
bin = findBin();
if (!bin) {
  console.error(`ensure-postgres: apt-get finished but no ${LIB}/<version>/bin/initdb`);
  process.exit(1);
}
console.log(`ensure-postgres: ${bin} installed`);
