/**
 * Properties of the SMART Health Cards decoder (src/core/shc), shared by test/core/shc/properties.test.ts and
 * `npm run fuzz` (scripts/fuzz.ts runs SHC_CATALOGUE and SHC_ENUMERATIONS beside the others).
 *
 * The claims:
 * - inspectShc never throws, on anything: arbitrary text, `shc:/` + digit garbage, chunk headers of any
 *   shape, or a genuine card mutated at any layer (the QR digits, the JWS text, the DEFLATE bytes, the JSON).
 * - A mutation is never accepted as something else: when a mutated card is still `valid`, it carries the
 *   original's signed content exactly (payload, claims, kid) — nothing else is ever valid.
 * - Every report is well-formed: `valid` exactly when every applicable check is true and no error was found,
 *   and only known error codes.
 */
import { deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { toBase64Url } from '../../src/core/bytes';
import { inflateRawCapped, inspectShc, type ShcInput, type ShcInspection, toShcTexts } from '../../src/core/shc';
import {
  applyByteEdit,
  applyTextEdit,
  byteEditArb,
  type CatalogueEntry,
  type Enumeration,
  enumeration,
  flipBit,
} from './fuzz';
import { bigPayload, makeShcIssuer, NOW, signShc, TESTED, trustOf, VACCINATED } from './shc-sign';
import { fail, makeFormatChecker, propertyEntry, textEditsOf } from './signed-format-fuzz';

const issuer = makeShcIssuer();
const ISSUERS = trustOf('Fuzz issuer', issuer);
const opts = { at: NOW, issuers: ISSUERS };

interface Fixture {
  readonly name: string;
  readonly jws: string;
  readonly qr: readonly string[];
  readonly json: Uint8Array;
  readonly report: ShcInspection;
}

function fixture(name: string, payload: unknown): Fixture {
  const jws = signShc(issuer, payload);
  const qr = toShcTexts(jws);
  const report = inspectShc({ qr }, opts);
  if (!report.valid) throw new Error(`SHC fixture ${name} is not valid: ${report.errors.join(' ')}`);
  const inflated = inflateRawCapped(new Uint8Array(Buffer.from(jws.split('.')[1], 'base64url')));
  if (!inflated.ok) throw new Error(`SHC fixture ${name} does not inflate`);
  return { name, jws, qr, json: inflated.bytes, report };
}

export const SHC_FIXTURES: readonly Fixture[] = [
  fixture('immunization', VACCINATED()),
  fixture('lab', TESTED()),
  fixture('two chunks', bigPayload(1000)),
];

const PAIRED = new Set(['prefix', 'numeric']);

const { inspectCounted, checkMutant } = makeFormatChecker({
  format: 'shc',
  inspect: (input: ShcInput, _f: Fixture) => inspectShc(input, opts),
  // `prefix` and `numeric` are checks of the QR text: a bare JWS skips them.
  applicableChecks: (r, input) =>
    Object.entries(r.checks).flatMap(([k, c]) => ('qr' in input || !PAIRED.has(k) ? [c] : [])),
});

/** The JWS with its payload replaced by (raw DEFLATE of) other bytes, keeping the genuine header and signature. */
const withBody = (f: Fixture, deflated: Uint8Array) => {
  const [h, , s] = f.jws.split('.');
  return `${h}.${toBase64Url(deflated)}.${s}`;
};

const JWS_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
const charArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...'0123456789') },
  { weight: 2, arbitrary: fc.constantFrom(...JWS_CHARS, '/', ' ', '\n', ':') },
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);
const textEditArb = textEditsOf(charArb);

const mutationEntries = (f: Fixture): CatalogueEntry[] => [
  propertyEntry(
    `shc ${f.name}: QR text edits (1–3) are rejected or change nothing`,
    200,
    2,
    [fc.array(textEditArb, { minLength: 1, maxLength: 3 }), fc.nat()],
    (edits, which) => {
      const i = which % f.qr.length;
      const edited = edits.reduce((t, e) => applyTextEdit(t, e, 0), f.qr[i]);
      if (edited !== f.qr[i])
        checkMutant({ qr: f.qr.map((t, j) => (j === i ? edited : t)) }, f, `QR edits ${JSON.stringify(edits)}`);
    },
  ),
  propertyEntry(
    `shc ${f.name}: JWS text edits are rejected or change nothing`,
    200,
    2,
    [fc.array(textEditArb, { minLength: 1, maxLength: 3 })],
    (edits) => {
      const jws = edits.reduce((t, e) => applyTextEdit(t, e, 0), f.jws);
      if (jws !== f.jws) checkMutant({ jws }, f, `JWS edits ${JSON.stringify(edits)}`);
    },
  ),
  propertyEntry(
    `shc ${f.name}: DEFLATE byte edits are rejected or change nothing`,
    200,
    2,
    [fc.array(byteEditArb, { minLength: 1, maxLength: 3 })],
    (edits) => {
      const body = new Uint8Array(Buffer.from(f.jws.split('.')[1], 'base64url'));
      checkMutant({ jws: withBody(f, edits.reduce(applyByteEdit, body)) }, f, `DEFLATE edits ${JSON.stringify(edits)}`);
    },
  ),
  propertyEntry(
    `shc ${f.name}: payload JSON edits (recompressed) are rejected or change nothing`,
    200,
    3,
    [fc.array(byteEditArb, { minLength: 1, maxLength: 3 })],
    (edits) => {
      const json = edits.reduce(applyByteEdit, f.json);
      checkMutant({ jws: withBody(f, deflateRawSync(json)) }, f, `JSON edits ${JSON.stringify(edits)}`);
    },
  ),
];

export const SHC_CATALOGUE: readonly CatalogueEntry[] = [
  ...SHC_FIXTURES.flatMap(mutationEntries),
  propertyEntry(
    'shc: arbitrary text never throws and is never valid',
    500,
    4,
    [fc.string({ unit: 'binary', maxLength: 5000 })],
    (text) => {
      if (
        inspectCounted({ qr: [text] }, SHC_FIXTURES[0], 'arbitrary QR').valid ||
        inspectCounted({ jws: text }, SHC_FIXTURES[0], 'arbitrary JWS').valid
      )
        fail('arbitrary text was valid');
    },
  ),
  propertyEntry(
    'shc: shc:/ + digits and chunk headers never throw and are never valid',
    500,
    4,
    [
      fc.array(
        fc.tuple(
          fc.oneof(fc.constant(''), fc.stringMatching(/^\d{1,3}\/\d{1,3}\/$/)),
          fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 3000 }),
        ),
        { minLength: 1, maxLength: 4 },
      ),
    ],
    (parts) => {
      if (inspectCounted({ qr: parts.map(([h, d]) => `shc:/${h}${d}`) }, SHC_FIXTURES[0], 'digit garbage').valid)
        fail('garbage was valid');
    },
  ),
  propertyEntry(
    'shc: raw DEFLATE of random bytes under a genuine header never throws and is never valid',
    300,
    3,
    [fc.uint8Array({ maxLength: 3000 })],
    (bytes) => {
      if (
        inspectCounted({ jws: withBody(SHC_FIXTURES[0], deflateRawSync(bytes)) }, SHC_FIXTURES[0], 'random payload')
          .valid
      )
        fail('random payload was valid');
    },
  ),
];

export const SHC_ENUMERATIONS: readonly Enumeration[] = SHC_FIXTURES.flatMap((f) => {
  const body = new Uint8Array(Buffer.from(f.jws.split('.')[1], 'base64url'));
  return [
    enumeration(`shc ${f.name}: every single-bit flip of the DEFLATE bytes`, false, body.length * 8, (i) =>
      checkMutant({ jws: withBody(f, flipBit(body, i)) }, f, `DEFLATE bit ${i}`),
    ),
    enumeration(`shc ${f.name}: every truncation of the first QR text`, true, f.qr[0].length, (i) =>
      checkMutant({ qr: [f.qr[0].slice(0, i), ...f.qr.slice(1)] }, f, `QR cut at ${i}`),
    ),
  ];
});
