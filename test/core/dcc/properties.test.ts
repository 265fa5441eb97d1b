/**
 * The EU DCC decoder's properties (test/support/dcc-fuzz.ts, also run a million-case-scale by
 * `npm run fuzz`): never a throw, never a mutated certificate accepted as anything but itself, every
 * report well-formed. Scale with SINGGAH_FUZZ_RUNS and pin with SINGGAH_FUZZ_SEED as the v1 properties.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { DCC_CATALOGUE, DCC_ENUMERATIONS } from '../../support/dcc-fuzz';

const scale = Number(process.env.SINGGAH_FUZZ_RUNS ?? '1');
const seed = process.env.SINGGAH_FUZZ_SEED === undefined ? undefined : Number(process.env.SINGGAH_FUZZ_SEED);

describe('properties', () => {
  for (const entry of DCC_CATALOGUE) {
    it(entry.name, () => {
      const numRuns = Math.max(1, Math.round(entry.unitRuns * scale));
      fc.assert(entry.property, seed === undefined ? { numRuns } : { numRuns, seed });
    });
  }
});

describe('exhaustive', () => {
  for (const e of DCC_ENUMERATIONS.filter((x) => x.unit)) {
    it(`${e.name} (${e.size} cases)`, () => {
      for (let i = 0; i < e.size; i++) e.run(i);
    });
  }
});
