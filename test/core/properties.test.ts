/**
 * Property tests for the v1 formats (fast-check): mutations of genuine signed objects are rejected with a
 * known code, arbitrary input never throws, validly signed garbage never decodes into something else and
 * never admits a person who does not qualify. The properties live in test/support/fuzz.ts, shared with
 * `npm run fuzz` (a million cases). Scale the runs with SINGGAH_FUZZ_RUNS (a multiplier, default 1) and
 * pin the seed with SINGGAH_FUZZ_SEED.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyBundle } from '../../src/core/bundle';
import { anchor } from '../support/authority';
import { ERROR_CODES, isErrorCode } from '../support/error-codes';
import { CATALOGUE, checkFixtures, ENUMERATIONS, resetStats, signedBundleWithDeepLogic, stats } from '../support/fuzz';

const scale = Number(process.env.SINGGAH_FUZZ_RUNS ?? '1');
if (!(scale > 0)) throw new Error(`SINGGAH_FUZZ_RUNS must be a positive number, not ${process.env.SINGGAH_FUZZ_RUNS}`);
const seed = process.env.SINGGAH_FUZZ_SEED === undefined ? undefined : Number(process.env.SINGGAH_FUZZ_SEED);

/** The normal run must execute at least this many cases (scaled down only when SINGGAH_FUZZ_RUNS < 1). */
const MIN_CASES = Math.floor(20_000 * Math.min(1, scale));

const started = performance.now();
beforeAll(() => resetStats());
afterAll(() => {
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.info(
    `properties: ${stats.cases} cases (${stats.signatureStage} reached a signature check), decisions ${JSON.stringify(stats.outcomes)}, ${seconds} s`,
  );
});

it('the fixtures are genuine and the known codes are distinct', () => {
  expect(() => checkFixtures()).not.toThrow();
  expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  expect(isErrorCode('NOT_A_CODE')).toBe(false);
});

describe('properties', () => {
  for (const entry of CATALOGUE) {
    it(entry.name, () => {
      const numRuns = Math.max(1, Math.round(entry.unitRuns * scale));
      fc.assert(entry.property, seed === undefined ? { numRuns } : { numRuns, seed });
    });
  }
});

describe('exhaustive', () => {
  for (const e of ENUMERATIONS.filter((x) => x.unit)) {
    it(`${e.name} (${e.size} cases)`, () => {
      for (let i = 0; i < e.size; i++) e.run(i);
    });
  }
});

describe('deep nesting', () => {
  // Found by this suite: certlogic-js's validator recurses once per nesting level, so signed logic nested
  // ~5,000 deep made verifyBundle throw RangeError. Core caps rule depth (rule-logic.ts MAX_LOGIC_DEPTH) first.
  it('verifyBundle returns an error (does not throw) for signed logic nested 5,000 deep', () => {
    stats.cases++;
    const r = verifyBundle(signedBundleWithDeepLogic(5_000), anchor);
    expect(r.ok).toBe(false);
  });

  it('a signed bundle with logic nested 1,000 deep is handled', () => {
    stats.cases++;
    expect(() => verifyBundle(signedBundleWithDeepLogic(1_000), anchor)).not.toThrow();
  });
});

it('ran enough cases, and the decision properties saw both ALLOWED and DENIED', () => {
  expect(stats.cases).toBeGreaterThanOrEqual(MIN_CASES);
  // Not vacuous: some generated people do qualify (≈ 10 % of the random ones at the default scale).
  if (scale >= 1) {
    expect(stats.outcomes.ALLOWED).toBeGreaterThan(0);
    expect(stats.outcomes.DENIED).toBeGreaterThan(0);
  }
});
