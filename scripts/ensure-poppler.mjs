#!/usr/bin/env node
// Makes sure `pdftoppm` (Debian poppler-utils) exists: the poster test renders the venue poster PDF to an
// image with it and decodes the QR from the pixels. Present: exits 0 at once. Missing: installs it with
// apt when running as root, otherwise prints the command to run and exits 1.
import { spawnSync } from 'node:child_process';

const found = () => spawnSync('pdftoppm', ['-v'], { stdio: 'ignore' }).error === undefined;

function run(cmd, args) {
  console.log(`ensure-poppler: $ ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    console.error(`ensure-poppler: ${cmd} exited with ${r.status ?? r.signal}`);
    process.exit(1);
  }
}

if (found()) {
  console.log('ensure-poppler: pdftoppm present');
  process.exit(0);
}
if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
  console.error('ensure-poppler: pdftoppm is missing. Install it with:\n  sudo apt-get install -y poppler-utils');
  process.exit(1);
}
run('apt-get', ['update']);
run('apt-get', ['install', '-y', 'poppler-utils']);
if (!found()) {
  console.error('ensure-poppler: apt-get finished but pdftoppm is still missing');
  process.exit(1);
}
