#!/usr/bin/env node
// Makes sure the system Chromium used by the e2e tests exists (Playwright cannot download browsers here).
// Present: prints its path and exits 0 at once. Missing: installs it with apt when running as root,
// otherwise prints the command to run and exits 1. Honours CHROMIUM_PATH like test/support/chromium.ts.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

const path = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const packages = ['chromium', 'fonts-noto-core'];

function executable(p) {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function run(cmd, args, env = process.env) {
  console.log(`ensure-chromium: $ ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], env });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    console.error(`ensure-chromium: ${cmd} exited with ${r.status ?? r.signal}`);
    process.exit(1);
  }
}

if (executable(path)) {
  console.log(`ensure-chromium: ${path} present`);
  process.exit(0);
}

if (process.env.CHROMIUM_PATH) {
  console.error(`ensure-chromium: CHROMIUM_PATH=${path} is not an executable file`);
  process.exit(1);
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot) {
  console.error(`ensure-chromium: ${path} is missing. Install it with:`);
  console.error('  sudo apt-get install -y chromium');
  console.error('(fonts-noto-core is recommended too; or set CHROMIUM_PATH to a Chromium binary.');
  console.error('`npx playwright install` does not work here.)');
  process.exit(1);
}

console.log(`ensure-chromium: ${path} is missing; installing ${packages.join(' ')} with apt-get`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
run('apt-get', ['update'], env);
run('apt-get', ['install', '-y', ...packages], env);
if (!executable(path)) {
  console.error(`ensure-chromium: apt-get finished but ${path} is still missing`);
  process.exit(1);
}
run(path, ['--version']);
