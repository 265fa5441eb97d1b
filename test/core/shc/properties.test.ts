/**
 * The SMART Health Cards decoder's properties (test/support/shc-fuzz.ts, also run at scale by `npm run fuzz`):
 * never a throw, never a mutated card accepted as anything but itself, every report well-formed. Scale with
 * SINGGAH_FUZZ_RUNS and pin with SINGGAH_FUZZ_SEED as the other properties.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { SHC_CATALOGUE, SHC_ENUMERATIONS } from '../../support/shc-fuzz';

const scale = Number(process.env.SINGGAH_FUZZ_RUNS ?? '1');
const seed = process.env.SINGGAH_FUZZ_SEED === undefined ? undefined : Number(process.env.SINGGAH_FUZZ_SEED);

describe('properties', () => {
  for (const entry of SHC_CATALOGUE) {
    it(entry.name, () => {
      const numRuns = Math.max(1, Math.round(entry.unitRuns * scale));
      fc.assert(entry.property, seed === undefined ? { numRuns } : { numRuns, seed });
    });
  }
});

describe('exhaustive', () => {
  for (const e of SHC_ENUMERATIONS.filter((x) => x.unit)) {
    it(`${e.name} (${e.size} cases)`, () => {
      for (let i = 0; i < e.size; i++) e.run(i);
    });
  }
});
