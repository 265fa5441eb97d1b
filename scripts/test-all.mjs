#!/usr/bin/env node
// `npm test`: lint, the layer rules, type-check, the first-load size budget, unit tests (Vitest) and e2e tests
// (Playwright), in that order. Stops at the first failing step but always prints a summary; the last line is
//   singgah tests: N passed, M failed[, K skipped]
// summing the Vitest and Playwright JSON reports. Exits non-zero if a step failed, a test failed, or no test ran.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const UNIT_JSON = join(root, 'test-results', 'unit.json');
const E2E_JSON = join(root, 'test-results', 'e2e.json');

// The tests run on the Node that production needs (the npm `node` dependency puts it first on npm scripts' PATH);
// on an older one they would pass where production fails.
const MIN_NODE_MAJOR = 22;

const steps = [
  {
    name: `runtime (node ${process.version}, need >= ${MIN_NODE_MAJOR})`,
    cmd: process.execPath,
    args: ['-e', `process.exit(Number(process.versions.node.split('.')[0]) >= ${MIN_NODE_MAJOR} ? 0 : 1)`],
  },
  { name: 'lint (biome)', cmd: bin('biome'), args: ['check', '.'] },
  // The import rules of docs/ARCHITECTURE.md (which layer may import which, no cycles): .dependency-cruiser.cjs.
  {
    name: 'layers (dependency-cruiser)',
    cmd: bin('depcruise'),
    args: ['--config', '.dependency-cruiser.cjs', 'src', 'server', 'sw', 'test'],
  },
  // src/core alone with lib ES2022 and no DOM or Node types: a browser or Node API in core does not compile.
  { name: 'types: core (no DOM)', cmd: bin('tsc'), args: ['-p', 'tsconfig.core.json', '--noEmit'] },
  { name: 'types: app', cmd: bin('tsc'), args: ['-p', 'tsconfig.app.json', '--noEmit'] },
  { name: 'types: service worker', cmd: bin('tsc'), args: ['-p', 'tsconfig.sw.json', '--noEmit'] },
  { name: 'types: node (server, tests, scripts)', cmd: bin('tsc'), args: ['-p', 'tsconfig.node.json', '--noEmit'] },
  // Builds the app into a temp dir and fails over 35 KB gzip of first-load JavaScript.
  { name: 'size budget (first-load JS)', cmd: process.execPath, args: [join(root, 'scripts', 'check-size.mjs')] },
  { name: 'chromium present', cmd: process.execPath, args: [join(root, 'scripts', 'ensure-chromium.mjs')] },
  // The server tests also run on PostgreSQL, and the poster test renders its PDF with pdftoppm: both come from
  // Debian, installed here when missing and root (otherwise the step says which apt-get command to run).
  { name: 'postgresql present', cmd: process.execPath, args: [join(root, 'scripts', 'ensure-postgres.mjs')] },
  { name: 'poppler present', cmd: process.execPath, args: [join(root, 'scripts', 'ensure-poppler.mjs')] },
  {
    name: 'unit tests (vitest)',
    cmd: bin('vitest'),
    args: ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${UNIT_JSON}`],
  },
  { name: 'e2e tests (playwright)', cmd: bin('playwright'), args: ['test'] },
];

function run(step) {
  return new Promise((resolve) => {
    const child = spawn(step.cmd, step.args, { cwd: root, stdio: 'inherit', env: process.env });
    child.on('error', (err) => {
      console.error(`test-all: cannot start ${step.cmd}: ${err.message}`);
      resolve(127);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)}s`;

function readJson(path) {
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    console.error(`test-all: cannot parse ${path}: ${err.message}`);
    return null;
  }
}

/** Counts from a Vitest JSON report (Jest-compatible format). */
function unitCounts(report) {
  if (!report) return null;
  return {
    passed: report.numPassedTests ?? 0,
    failed: report.numFailedTests ?? 0,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
  };
}

/** Counts from a Playwright JSON report; errors outside tests (e.g. in globalSetup) count as failures. */
function e2eCounts(report) {
  if (!report?.stats) return null;
  const s = report.stats;
  return {
    passed: (s.expected ?? 0) + (s.flaky ?? 0),
    failed: (s.unexpected ?? 0) + (report.errors?.length ?? 0),
    skipped: s.skipped ?? 0,
  };
}

// Stale reports from an earlier run must not be counted.
mkdirSync(join(root, 'test-results'), { recursive: true });
rmSync(UNIT_JSON, { force: true });
rmSync(E2E_JSON, { force: true });

const results = [];
const started = Date.now();
for (const step of steps) {
  console.log(`\n━━━ ${step.name} ━━━  $ ${[step.cmd.replace(`${root}/`, ''), ...step.args].join(' ')}\n`);
  const t0 = Date.now();
  const code = await run(step);
  results.push({ name: step.name, code, ms: Date.now() - t0 });
  if (code !== 0) break;
}

const unit = unitCounts(readJson(UNIT_JSON));
const e2e = e2eCounts(readJson(E2E_JSON));
const total = { passed: 0, failed: 0, skipped: 0 };
for (const c of [unit, e2e]) {
  if (!c) continue;
  total.passed += c.passed;
  total.failed += c.failed;
  total.skipped += c.skipped;
}

console.log('\n━━━ summary ━━━');
for (const step of steps) {
  const r = results.find((x) => x.name === step.name);
  const status = !r ? 'not run' : r.code === 0 ? 'ok' : `FAILED (exit ${r.code})`;
  console.log(`  ${step.name.padEnd(40)} ${status.padEnd(18)} ${r ? seconds(r.ms) : ''}`);
}
const fmt = (c) => (c ? `${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped` : 'no report');
console.log(`  unit: ${fmt(unit)}`);
console.log(`  e2e:  ${fmt(e2e)}`);
console.log(`  total time ${seconds(Date.now() - started)}`);

const stepFailed = results.some((r) => r.code !== 0);
const noneRan = total.passed + total.failed === 0;
if (!stepFailed && noneRan) console.log('  no test ran: that is a failure');
console.log(
  `singgah tests: ${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`,
);
process.exit(stepFailed || total.failed > 0 || noneRan ? 1 : 0);
