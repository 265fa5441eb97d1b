#!/usr/bin/env node
/**
 * `npm start`: one command from a fresh clone to a running demo — and only ever the demo.
 *   1. demo keys, bundle, venues and certificates (`singgah demo-init`, idempotent). It runs only in a
 *      data directory it created itself (absent or empty the first time, then marked by demo-init), and
 *      refuses anywhere else, so `npm start` never signs with, or creates keys next to, a real authority;
 *   2. the app build (`vite build`; it pins keys/trust.json) — skipped with SINGGAH_SKIP_BUILD=1 when
 *      a build exists;
 *   3. the server (server/main.ts through tsx), which prints the app and demo URLs.
 * A production authority is started with `npm run serve` instead (docs/OPERATIONS.md §1).
 * Environment: PORT (8080), HOST (0.0.0.0), SINGGAH_DATA_DIR (.data), SINGGAH_DIST (dist),
 * SINGGAH_SKIP_BUILD, SINGGAH_TRUST_FILE, DATABASE_URL, SINGGAH_PUBLIC_ORIGIN, LOG_LEVEL.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const env = { ...process.env };
env.SINGGAH_DATA_DIR ||= '.data';
env.SINGGAH_DIST ||= 'dist';
const port = env.PORT || '8080';
const SERVE_INSTEAD =
  'To serve an authority of your own, build the app and run `npm run serve` (docs/OPERATIONS.md §1).';

function fail(message) {
  process.stderr.write(`\nnpm start: ${message}\n`);
  process.exit(1);
}

function step(title) {
  process.stdout.write(`\n▸ ${title}\n`);
}

function run(title, command, args, hint = '') {
  const result = spawnSync(command, args, {
    cwd: root,
    env,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (result.error) fail(`${title} could not start: ${result.error.message}`);
  if (result.status !== 0) {
    fail(`${title} failed (exit ${result.status ?? result.signal}); see the output above.${hint ? `\n${hint}` : ''}`);
  }
}

process.chdir(root);

if (/^(0|false|off|no)$/i.test((env.SINGGAH_DEMO ?? '').trim())) {
  fail(`npm start runs the demo, and SINGGAH_DEMO=${env.SINGGAH_DEMO} turns the demo off.\n${SERVE_INSTEAD}`);
}

step(`Demo data in ${env.SINGGAH_DATA_DIR} (keys, signed rules, venues, certificates)`);
run(
  'demo-init',
  process.execPath,
  [
    join(root, 'bin', 'singgah.mjs'),
    '--data-dir',
    env.SINGGAH_DATA_DIR,
    'demo-init',
    '--origin',
    `http://localhost:${port}`,
  ],
  SERVE_INSTEAD,
);
// The demo server reviews its own sealed case reports (SINGGAH_DEMO_AUTO_REVIEW, server/main.ts); 0 leaves them
// to `singgah case review` as in production.
process.env.SINGGAH_DEMO_AUTO_REVIEW ??= '1';

const built = existsSync(join(env.SINGGAH_DIST, 'index.html'));
if (/^(1|true|yes)$/i.test(env.SINGGAH_SKIP_BUILD ?? '') && built) {
  step(`Using the existing build in ${env.SINGGAH_DIST} (SINGGAH_SKIP_BUILD)`);
} else {
  step(`Building the app into ${env.SINGGAH_DIST} (vite build)`);
  run('vite build', 'npx', ['vite', 'build']);
}

step('Starting the server');
process.env.SINGGAH_DATA_DIR = env.SINGGAH_DATA_DIR;
process.env.SINGGAH_DIST = env.SINGGAH_DIST;
process.env.HOST ||= '0.0.0.0';
const { register } = await import('tsx/esm/api');
register();
const { runMain } = await import('../server/main.ts');
await runMain();
