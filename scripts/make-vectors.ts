/**
 * Writes test/vectors/v1.json: interoperability vectors for the v1 formats, from the fixed test keys
 * (seeds 0x01…; public test keys, never used outside tests). Run: npx tsx scripts/make-vectors.ts
 * test/core/vectors.test.ts fails if the committed file no longer matches what the code produces.
 */
import { writeFileSync } from 'node:fs';
import { buildVectors } from '../test/support/vectors';

writeFileSync(new URL('../test/vectors/v1.json', import.meta.url), `${JSON.stringify(buildVectors(), null, 2)}\n`);
console.log('wrote test/vectors/v1.json');
