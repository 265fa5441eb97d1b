/**
 * Properties of the EU DCC decoder (src/core/dcc), shared by test/core/dcc/properties.test.ts and
 * `npm run fuzz` (scripts/fuzz.ts runs DCC_CATALOGUE and DCC_ENUMERATIONS beside the v1 catalogue).
 *
 * The claims:
 * - inspectDcc never throws, on anything: arbitrary text, `HC1:` + base45-alphabet garbage, or a genuine
 *   DCC mutated at any layer (the text, the zlib bytes, the COSE bytes).
 * - A mutation is never accepted as something else: when a mutated text is still `valid`, it carries the
 *   original's signed content exactly (payload, claims, kid) — e.g. a flip in a deflate block's unused
 *   padding bits leaves the same certificate. Nothing else is ever valid.
 * - Every report is well-formed: `valid` exactly when every check is true and no error was found, and
 *   only known error codes.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { type DccSigner, fromBase45, inspectDcc, toBase45 } from '../../src/core/dcc';
import { inflateZlib } from '../../src/core/dcc/inflate';
import { ISSUED, makeSigner, PAYLOADS, signDcc } from './dcc-sign';
import { signerFromCertificate } from './dcc-signers';
import {
  applyByteEdit,
  applyTextEdit,
  byteEditArb,
  type CatalogueEntry,
  type Enumeration,
  enumeration,
  flipBit,
} from './fuzz';
import { fail, makeFormatChecker, propertyEntry, textEditsOf } from './signed-format-fuzz';

interface Fixture {
  readonly name: string;
  readonly text: string;
  readonly at: number;
  readonly signers: readonly DccSigner[];
  readonly cose: Uint8Array;
  readonly report: ReturnType<typeof inspectDcc>;
}

function fixture(name: string, text: string, at: number, signers: readonly DccSigner[]): Fixture {
  const report = inspectDcc(text, { at, signers });
  if (!report.valid) throw new Error(`DCC fixture ${name} is not valid: ${report.errors.join(' ')}`);
  const z = inflateZlib(fromBase45(text.slice(4)) ?? new Uint8Array());
  if (z.kind !== 'inflated') throw new Error(`DCC fixture ${name} does not inflate`);
  return { name, text, at, signers, cose: z.bytes, report };
}

/** EU samples (fixed texts, so a counterexample replays) and our own PS256 one. */
const SAMPLES = join(import.meta.dirname, '../vectors/eu-dcc');
function sample(path: string): Fixture {
  const j = JSON.parse(readFileSync(join(SAMPLES, path), 'utf8'));
  const at = Math.floor(Date.parse(j.TESTCTX.VALIDATIONCLOCK) / 1000);
  return fixture(`EU ${path}`, j.PREFIX, at, [signerFromCertificate(j.TESTCTX.CERTIFICATE)]);
}
const ps = makeSigner('PS256');
export const DCC_FIXTURES: readonly Fixture[] = [
  sample('DE/1.json'),
  sample('SE/2.json'),
  fixture('own PS256 test', signDcc({ by: ps, payload: PAYLOADS.t }), ISSUED + 3600, [ps.signer]),
];

const CHECKS = ['prefix', 'base45', 'decompress', 'cose', 'cbor', 'schema', 'signature', 'keyUsage', 'time'] as const;

const { inspectCounted, checkMutant } = makeFormatChecker({
  format: 'eu-dcc',
  inspect: (text: string, f: Fixture) => inspectDcc(text, { at: f.at, signers: f.signers }),
  applicableChecks: (r) => CHECKS.map((c) => r.checks[c]),
});

const hc1 = (bytes: Uint8Array) => `HC1:${toBase45(bytes)}`;
const compressed = (f: Fixture) => fromBase45(f.text.slice(4)) ?? fail('fixture base45');

const BASE45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
const textEditArb = textEditsOf(
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...BASE45) },
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  ),
);

const mutationEntries = (f: Fixture): CatalogueEntry[] => [
  propertyEntry(
    `dcc ${f.name}: text edits (1–3) are rejected or change nothing`,
    300,
    2,
    [fc.array(textEditArb, { minLength: 1, maxLength: 3 })],
    (edits) => {
      const text = edits.reduce((t, e) => applyTextEdit(t, e, 4), f.text);
      if (text !== f.text) checkMutant(text, f, `text edits ${JSON.stringify(edits)}`);
    },
  ),
  propertyEntry(
    `dcc ${f.name}: zlib byte edits are rejected or change nothing`,
    300,
    2,
    [fc.array(byteEditArb, { minLength: 1, maxLength: 3 })],
    (edits) => {
      const bytes = edits.reduce(applyByteEdit, compressed(f));
      checkMutant(hc1(bytes), f, `zlib edits ${JSON.stringify(edits)}`);
    },
  ),
  propertyEntry(
    `dcc ${f.name}: COSE byte edits (recompressed) are rejected or change nothing`,
    300,
    3,
    [fc.array(byteEditArb, { minLength: 1, maxLength: 3 })],
    (edits) => {
      const bytes = edits.reduce(applyByteEdit, f.cose);
      checkMutant(hc1(deflateSync(bytes)), f, `COSE edits ${JSON.stringify(edits)}`);
    },
  ),
];

const garbageFixture = DCC_FIXTURES[0];
export const DCC_CATALOGUE: readonly CatalogueEntry[] = [
  ...DCC_FIXTURES.flatMap(mutationEntries),
  propertyEntry(
    'dcc: arbitrary text never throws and is never valid',
    500,
    4,
    [fc.string({ unit: 'binary', maxLength: 5000 })],
    (text) => {
      if (inspectCounted(text, garbageFixture, 'arbitrary text').valid) fail('arbitrary text was valid');
    },
  ),
  propertyEntry(
    'dcc: HC1: + base45-alphabet garbage never throws and is never valid',
    500,
    4,
    [fc.string({ unit: fc.constantFrom(...BASE45), maxLength: 4400 })],
    (body) => {
      if (inspectCounted(`HC1:${body}`, garbageFixture, 'HC1 garbage').valid) fail('garbage was valid');
    },
  ),
  propertyEntry(
    'dcc: zlib of random bytes never throws and is never valid',
    500,
    4,
    [fc.uint8Array({ maxLength: 3000 })],
    (bytes) => {
      if (inspectCounted(hc1(deflateSync(bytes)), garbageFixture, 'random COSE bytes').valid)
        fail('random bytes were valid');
    },
  ),
];

export const DCC_ENUMERATIONS: readonly Enumeration[] = DCC_FIXTURES.flatMap((f) => [
  enumeration(`dcc ${f.name}: every single-bit flip of the COSE bytes`, false, f.cose.length * 8, (i) =>
    checkMutant(hc1(deflateSync(flipBit(f.cose, i))), f, `COSE bit ${i}`),
  ),
  enumeration(`dcc ${f.name}: every truncation of the text`, true, f.text.length, (i) =>
    checkMutant(f.text.slice(0, i), f, `text cut at ${i}`),
  ),
]);
