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
import { isDeepStrictEqual } from 'node:util';
import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { type DccInspection, type DccSigner, fromBase45, inspectDcc, toBase45 } from '../../src/core/dcc';
import { inflateZlib } from '../../src/core/dcc/inflate';
import { ISSUED, makeSigner, PAYLOADS, signDcc } from './dcc-sign';
import { signerFromCertificate } from './dcc-signers';
import { isErrorCode } from './error-codes';
import {
  applyByteEdit,
  applyTextEdit,
  type ByteEdit,
  type CatalogueEntry,
  type Enumeration,
  flipBit,
  stats,
  type TextEdit,
} from './fuzz';

interface Fixture {
  readonly name: string;
  readonly text: string;
  readonly at: number;
  readonly signers: readonly DccSigner[];
  readonly cose: Uint8Array;
  readonly report: DccInspection;
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

function fail(message: string): never {
  throw new Error(message);
}

/** The report's own invariants. */
function checkReport(r: DccInspection, what: string): void {
  if (r.format !== 'eu-dcc') fail(`${what}: format ${r.format}`);
  for (const code of r.errors) if (!isErrorCode(code)) fail(`${what}: unknown code ${code}`);
  const allTrue = CHECKS.every((c) => r.checks[c] === true);
  if (r.valid !== (allTrue && r.errors.length === 0)) fail(`${what}: valid ${r.valid} disagrees with checks/errors`);
  if (!r.valid && r.errors.length === 0) fail(`${what}: invalid without an error`);
}

function inspectCounted(text: string, f: Fixture, what: string): DccInspection {
  stats.cases++;
  const r = inspectDcc(text, { at: f.at, signers: f.signers });
  if (r.checks.signature !== null) stats.signatureStage++;
  checkReport(r, what);
  return r;
}

/** A mutation of fixture f: rejected, or accepted as exactly the same signed content. */
function checkMutant(text: string, f: Fixture, what: string): void {
  const r = inspectCounted(text, f, what);
  if (!r.valid) return;
  const same =
    isDeepStrictEqual(r.payload, f.report.payload) &&
    isDeepStrictEqual(r.claims, f.report.claims) &&
    r.kid === f.report.kid;
  if (!same) fail(`${what}: a mutant of ${f.name} was accepted with different content\n${text}`);
}

const hc1 = (bytes: Uint8Array) => `HC1:${toBase45(bytes)}`;
const compressed = (f: Fixture) => fromBase45(f.text.slice(4)) ?? fail('fixture base45');

const position = fc.noBias(fc.nat(1 << 20));
const byteEditArb: fc.Arbitrary<ByteEdit> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('flip' as const), at: position, bit: fc.nat(7) }) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constantFrom('set' as const, 'insert' as const), at: position, value: fc.nat(255) }),
  },
  fc.record({ op: fc.constant('delete' as const), at: position }),
  fc.record({ op: fc.constant('truncate' as const), at: position }),
);
const BASE45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
const textEditArb: fc.Arbitrary<TextEdit> = fc.record({
  op: fc.constantFrom('replace' as const, 'delete' as const, 'insert' as const, 'swap' as const, 'case' as const),
  at: position,
  char: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...BASE45) },
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  ),
});

const entry = <Ts extends [unknown, ...unknown[]]>(
  name: string,
  unitRuns: number,
  fuzzWeight: number,
  arbs: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> },
  predicate: (...args: Ts) => void,
): CatalogueEntry => ({
  name,
  unitRuns,
  fuzzWeight,
  property: fc.property(...arbs, predicate) as unknown as fc.IProperty<never>,
});

const mutationEntries = (f: Fixture): CatalogueEntry[] => [
  entry(
    `dcc ${f.name}: text edits (1–3) are rejected or change nothing`,
    300,
    2,
    [fc.array(textEditArb, { minLength: 1, maxLength: 3 })],
    (edits) => {
      const text = edits.reduce((t, e) => applyTextEdit(t, e, 4), f.text);
      if (text !== f.text) checkMutant(text, f, `text edits ${JSON.stringify(edits)}`);
    },
  ),
  entry(
    `dcc ${f.name}: zlib byte edits are rejected or change nothing`,
    300,
    2,
    [fc.array(byteEditArb, { minLength: 1, maxLength: 3 })],
    (edits) => {
      const bytes = edits.reduce(applyByteEdit, compressed(f));
      checkMutant(hc1(bytes), f, `zlib edits ${JSON.stringify(edits)}`);
    },
  ),
  entry(
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
  entry(
    'dcc: arbitrary text never throws and is never valid',
    500,
    4,
    [fc.string({ unit: 'binary', maxLength: 5000 })],
    (text) => {
      if (inspectCounted(text, garbageFixture, 'arbitrary text').valid) fail('arbitrary text was valid');
    },
  ),
  entry(
    'dcc: HC1: + base45-alphabet garbage never throws and is never valid',
    500,
    4,
    [fc.string({ unit: fc.constantFrom(...BASE45), maxLength: 4400 })],
    (body) => {
      if (inspectCounted(`HC1:${body}`, garbageFixture, 'HC1 garbage').valid) fail('garbage was valid');
    },
  ),
  entry(
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

const enumeration = (name: string, unit: boolean, size: number, run: (i: number) => void): Enumeration => ({
  name,
  unit,
  size,
  run,
});

export const DCC_ENUMERATIONS: readonly Enumeration[] = DCC_FIXTURES.flatMap((f) => [
  enumeration(`dcc ${f.name}: every single-bit flip of the COSE bytes`, false, f.cose.length * 8, (i) =>
    checkMutant(hc1(deflateSync(flipBit(f.cose, i))), f, `COSE bit ${i}`),
  ),
  enumeration(`dcc ${f.name}: every truncation of the text`, true, f.text.length, (i) =>
    checkMutant(f.text.slice(0, i), f, `text cut at ${i}`),
  ),
]);
