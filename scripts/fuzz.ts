/**
 * `npm run fuzz [-- --cases N] [-- --seed S]`: a million (default) cases of the format properties in
 * test/support/fuzz.ts, of the EU DCC decoder in test/support/dcc-fuzz.ts and of the SMART Health Cards
 * decoder in test/support/shc-fuzz.ts, in a plain Node process
 * with fast-check.
 *
 * 1. Every exhaustive enumeration: each single-bit flip of each genuine QR code and of the bundle signature,
 *    each truncation of their bytes and texts, a digit string of every length up to past the QR cap.
 * 2. Random cases, weighted towards the cheap decode-level properties (arbitrary strings, link-shaped text,
 *    random payloads, arbitrary bundle JSON); mutations of genuine signed objects that still decode reach
 *    signature verification and must be rejected there. Progress every 100,000 cases.
 *
 * Prints `fuzz: N cases, 0 failures (seed S, T s)`, or the counterexample (with seed and path to replay it)
 * and exits 1.
 */
import fc from 'fast-check';
import { DCC_CATALOGUE, DCC_ENUMERATIONS } from '../test/support/dcc-fuzz';
import { CATALOGUE, type CatalogueEntry, checkFixtures, ENUMERATIONS, stats } from '../test/support/fuzz';
import { SHC_CATALOGUE, SHC_ENUMERATIONS } from '../test/support/shc-fuzz';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const value = process.argv[i + 1];
  if (value === undefined) throw new Error(`--${name} needs a value`);
  return value;
}

const total = Number(option('cases') ?? 1_000_000);
const seed = Number(option('seed') ?? (Date.now() ^ (process.pid << 16)) >>> 1);
if (!Number.isInteger(total) || total < 1) throw new Error('--cases must be a positive integer');
if (!Number.isInteger(seed)) throw new Error('--seed must be an integer');

const CHUNK = 100_000;
const started = performance.now();
const elapsed = () => ((performance.now() - started) / 1000).toFixed(1);
const fmt = (n: number) => n.toLocaleString('en-US');

function failed(what: string, detail: string): never {
  console.error(`\nfuzz: FAILED in ${what} (seed ${seed}, ${elapsed()} s)\n${detail}`);
  console.error(`fuzz: ${fmt(stats.cases)} cases, 1 failure (seed ${seed}, ${elapsed()} s)`);
  process.exit(1);
}

checkFixtures();

// 1. Exhaustive enumerations.
const t0 = performance.now();
for (const e of [...ENUMERATIONS, ...DCC_ENUMERATIONS, ...SHC_ENUMERATIONS]) {
  const before = stats.signatureStage;
  const t = performance.now();
  for (let i = 0; i < e.size; i++) {
    try {
      e.run(i);
    } catch (error) {
      failed(e.name, `case ${i}: ${error instanceof Error ? error.stack : String(error)}`);
    }
  }
  console.log(
    `  ${e.name}: ${fmt(e.size)} cases, ${fmt(stats.signatureStage - before)} reached a signature check, ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
}
const enumerated = stats.cases;
const enumeratedVerified = stats.signatureStage;
console.log(`fuzz: exhaustive part ${fmt(enumerated)} cases in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

// 2. Random cases, weighted, in chunks of CHUNK with a progress line after each.
const fuzzed = [...CATALOGUE, ...DCC_CATALOGUE, ...SHC_CATALOGUE].filter((e) => e.fuzzWeight > 0);
const weight = fuzzed.reduce((n, e) => n + e.fuzzWeight, 0);
const perEntry = new Map<CatalogueEntry, { cases: number; signature: number; ms: number }>(
  fuzzed.map((e) => [e, { cases: 0, signature: 0, ms: 0 }]),
);

function allocate(n: number): number[] {
  const runs = fuzzed.map((e) => Math.floor((n * e.fuzzWeight) / weight));
  // Give the rounding remainder to the heaviest (cheapest) entries.
  let rest = n - runs.reduce((a, b) => a + b, 0);
  const order = fuzzed.map((e, i) => [e.fuzzWeight, i] as const).sort((a, b) => b[0] - a[0]);
  for (let k = 0; rest > 0; k = (k + 1) % order.length, rest--) runs[order[k][1]]++;
  return runs;
}

let chunk = 0;
while (stats.cases < total) {
  const runs = allocate(Math.min(CHUNK, total - stats.cases));
  fuzzed.forEach((e, i) => {
    if (runs[i] === 0) return;
    const s = perEntry.get(e) as { cases: number; signature: number; ms: number };
    const [c0, v0, t] = [stats.cases, stats.signatureStage, performance.now()];
    const details = fc.check(e.property, { numRuns: runs[i], seed: (seed + chunk * 1009 + i) | 0 });
    s.cases += stats.cases - c0;
    s.signature += stats.signatureStage - v0;
    s.ms += performance.now() - t;
    if (details.failed) failed(e.name, fc.defaultReportMessage(details) ?? 'no report');
  });
  chunk++;
  console.log(
    `fuzz: ${fmt(stats.cases)} / ${fmt(total)} cases, ${fmt(stats.signatureStage)} reached a signature check, ${elapsed()} s`,
  );
}

console.log('\nrandom part, per property (cases, of which reached a signature check, time):');
for (const [e, s] of perEntry) {
  console.log(
    `  ${fmt(s.cases).padStart(9)}  ${fmt(s.signature).padStart(7)}  ${(s.ms / 1000).toFixed(1).padStart(6)} s  ${e.name}`,
  );
}
const random = stats.cases - enumerated;
const randomVerified = stats.signatureStage - enumeratedVerified;
console.log(
  `split: exhaustive ${fmt(enumerated)} cases (${fmt(enumeratedVerified)} reached a signature check), random ${fmt(random)} cases (${fmt(randomVerified)} reached a signature check); decode-level only: ${fmt(stats.cases - stats.signatureStage)} cases`,
);
console.log(`fuzz: ${stats.cases} cases, 0 failures (seed ${seed}, ${elapsed()} s)`);
