#!/usr/bin/env node
/**
 * Static mutants — in a module's load-time code: tables, schemas, constants — are ignored by the mutation run
 * (`ignoreStatic`): each would need the whole test set re-run in a fresh process, hours for src/core. This
 * measures them by sample instead. From a finished run's report it draws N of the ignored static mutants of
 * src/core at random (a fixed seed, so the sample can be re-drawn), then, file by file, runs Stryker with
 * `MUTATION_STATIC=1` on exactly those mutants against the test files whose imports reach that module, and prints
 * how many were killed. Fewer tests than the full set can only let more survive: the rate is a lower bound.
 *
 *   node scripts/mutation-static-sample.mjs reports/mutation/all.json [N=40] [seed=1]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { normalize } from 'node:path';

const [report = 'reports/mutation/all.json', n = '40', seed = '1'] = process.argv.slice(2);
const files = JSON.parse(readFileSync(report, 'utf8')).files;

/** mulberry32: a small seeded generator, so the same arguments draw the same sample. */
function random(a) {
  let s = a >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pool = Object.entries(files)
  .filter(([file]) => file.startsWith('src/core/'))
  .flatMap(([file, { mutants }]) =>
    mutants.filter((m) => m.status === 'Ignored' && /static/i.test(m.statusReason ?? '')).map((m) => ({ file, m })),
  );
const next = random(Number(seed));
const sample = [];
const left = [...pool];
while (sample.length < Math.min(Number(n), pool.length))
  sample.push(...left.splice(Math.floor(next() * left.length), 1));

/** Relative imports of a TypeScript file, resolved to files (`x` → `x.ts` or `x/index.ts`). */
function importsOf(file) {
  const dir = file.replace(/\/[^/]*$/, '');
  return [...readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)].flatMap(([, spec]) => {
    const base = normalize(`${dir}/${spec}`).replace(/\.(ts|mjs|js)$/, '');
    return [`${base}.ts`, `${base}/index.ts`].filter((f) => existsSync(f));
  });
}

/** The test files of the mutation set whose imports reach `file`, directly or through other modules. */
const testFiles = readdirSync('test/core', { recursive: true })
  .map((f) => `test/core/${String(f)}`)
  .filter((f) => f.endsWith('.test.ts') && !/properties\.test\.ts$|dcc-codec\.test\.ts$/.test(f));
const reach = new Map();
function reachable(file) {
  if (reach.has(file)) return reach.get(file);
  const seen = new Set();
  reach.set(file, seen);
  for (const f of importsOf(file)) {
    seen.add(f);
    for (const g of reachable(f)) seen.add(g);
  }
  return seen;
}
const importers = (file) => testFiles.filter((t) => reachable(t).has(file));

const key = (m) => `${m.mutatorName}|${m.replacement}|${m.location.start.line}:${m.location.start.column}`;
const rows = [];
for (const file of [...new Set(sample.map((s) => s.file))].sort()) {
  const mine = sample.filter((s) => s.file === file).map((s) => s.m);
  const tests = importers(file);
  const result = { file, sampled: mine.length, tests: tests.length, Killed: 0, Timeout: 0, Survived: 0, other: 0 };
  if (tests.length > 0) {
    // A range one column wider on each side: Stryker takes the mutants strictly inside it (nested ones too,
    // run but not counted).
    const ranges = mine.map(
      ({ location: { start, end } }) =>
        `${file}:${start.line}:${Math.max(0, start.column - 1)}-${end.line}:${end.column + 1}`,
    );
    const name = `static-${file.replaceAll('/', '_')}`;
    execFileSync('npx', ['stryker', 'run', '--mutate', ranges.join(','), '--force', '--reporters', 'json'], {
      env: { ...process.env, MUTATION_STATIC: '1', MUTATION_NAME: name, MUTATION_TESTS: tests.join(',') },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const got = JSON.parse(readFileSync(`reports/mutation/${name}.json`, 'utf8')).files[file]?.mutants ?? [];
    const byKey = new Map(got.map((m) => [key(m), m.status]));
    for (const m of mine) {
      const status = byKey.get(key(m)) ?? 'other';
      result[status in result ? status : 'other'] += 1;
    }
  } else result.other = mine.length;
  rows.push(result);
  console.error(`${file}: ${JSON.stringify(result)}`);
}

const sum = (k) => rows.reduce((t, r) => t + r[k], 0);
console.log(`Static mutants of src/core: ${pool.length}; sampled ${sample.length} (seed ${seed}).\n`);
console.log('| file | sampled | test files | killed | timeout | survived | not run |\n|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| \`${r.file}\` | ${r.sampled} | ${r.tests} | ${r.Killed} | ${r.Timeout} | ${r.Survived} | ${r.other} |`,
  );
}
console.log(
  `| **all** | ${sum('sampled')} | | ${sum('Killed')} | ${sum('Timeout')} | ${sum('Survived')} | ${sum('other')} |`,
);
