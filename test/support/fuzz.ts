/**
 * Property/fuzz catalogue for the v1 formats, shared by the unit test (test/core/properties.test.ts,
 * a few hundred cases per property) and `npm run fuzz` (scripts/fuzz.ts, a million). Predicates throw on
 * a violation; fast-check turns a throw from core into a failing case too, so "never throws" is checked by
 * every property.
 *
 * The claims:
 * - A mutation of a valid signed object (bit flip, truncation, edit of the link or envelope text) is
 *   rejected with a known code — or, for text edits that leave the signed bytes alone (case of the origin,
 *   surrounding white space), accepted as exactly the same signed object. Nothing else is ever accepted.
 * - Arbitrary input never throws and fails with a known code; random input never verifies.
 * - Validly signed garbage decodes only to what its payload says, verifies only under a key of the right
 *   role, and never yields ALLOWED for a person whose certificates do not qualify.
 * - Core's per-bundle verification cache gives the same answers as uncached checks.
 * Exhaustive enumerations (every truncation, every single-bit flip) sit at the end of the file.
 */
import fc from 'fast-check';
import { type BundlePayload, type VerifiedBundle, verifyBundle } from '../../src/core/bundle';
import { fromBase64Url, fromQrDigits, fromUtf8, toBase64Url, toQrDigits, utf8 } from '../../src/core/bytes';
import { type Certificate, decodeCertificate, verifyCertificate } from '../../src/core/certificate';
import type { KeyPair, SignedType } from '../../src/core/ed25519';
import { keyIdOf, signDetached } from '../../src/core/ed25519';
import { decidePerson } from '../../src/core/eligibility';
import type { Result } from '../../src/core/errors';
import { verifyHeldDcc } from '../../src/core/held-dcc';
import { verifyHeldShc } from '../../src/core/held-shc';
import { parseScanned, qrText, type Scanned, venueLink } from '../../src/core/qr-link';
import { MAX_TIME, MIN_TIME } from '../../src/core/schema';
import { encodeSignedDigits, MAX_QR_TEXT, payloadBytes } from '../../src/core/signed-qr';
import { decodeVenue, venueToTuple, verifyVenue } from '../../src/core/venue';
import {
  anchor,
  certKey,
  DAY,
  HOUR,
  kaltimOffice,
  makeBundle,
  makeBundlePayload,
  NOW,
  noticesKey,
  pcr,
  policy,
  recovery,
  root,
  seededKey,
  signCertificate,
  signVenue,
  vaccination,
  venueKey,
} from './authority';
import { expectKnownCodeIfFailed, expectKnownFailure } from './error-codes';

// ─── Bookkeeping ────────────────────────────────────────────────────────────────────────────────────

/** Counted inside the predicates, so callers can enforce how many cases really ran. */
export const stats = {
  cases: 0,
  /**
   * Cases that got past decoding to the signature check (a decoded QR object handed to verifyVenue or
   * verifyCertificate, a bundle envelope that reached its signatures, a decision over decoded certificates);
   * the rest were rejected while decoding. Signature checks are the expensive part (~1 ms each in JS).
   */
  signatureStage: 0,
  outcomes: { ALLOWED: 0, DENIED: 0, CANNOT_VERIFY: 0 },
};
export function resetStats(): void {
  stats.cases = 0;
  stats.signatureStage = 0;
  stats.outcomes = { ALLOWED: 0, DENIED: 0, CANNOT_VERIFY: 0 };
}

let reached = false;
const reachedSignatureStage = () => {
  reached = true;
};

/** Counts a case, and whether it reached the signature check. */
function countCase(run: () => void): void {
  stats.cases++;
  reached = false;
  try {
    run();
  } finally {
    if (reached) stats.signatureStage++;
  }
}

const fail = (message: string): never => {
  throw new Error(message);
};
const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
const show = (s: string) => JSON.stringify(s.length > 120 ? `${s.slice(0, 60)}…${s.slice(-40)}` : s);

// ─── Fixtures: genuine signed objects ───────────────────────────────────────────────────────────────

export const ORIGIN = 'https://singgah.id';
export const bundle: BundlePayload = makeBundlePayload();

export interface QrFixture {
  readonly name: string;
  readonly kind: Scanned['kind'];
  /** payload ‖ signature, as carried by the digits. */
  readonly bytes: Uint8Array;
  readonly digits: string;
  /** The text a poster's QR holds (origin and path upper-cased). */
  readonly link: string;
}

function qrFixture(name: string, kind: Scanned['kind'], digits: string): QrFixture {
  const bytes = fromQrDigits(digits) ?? fail(`${name}: fixture does not decode`);
  const link = qrText(kind === 'venue' ? venueLink(ORIGIN, digits) : `${ORIGIN}/c#${digits}`);
  return { name, kind, bytes, digits, link };
}

export const QR_FIXTURES: readonly QrFixture[] = [
  qrFixture('venue (Kaltim office)', 'venue', signVenue(kaltimOffice)),
  qrFixture('vaccination certificate', 'certificate', signCertificate(vaccination(2, 2, '2026-06-01'))),
  qrFixture('PCR test certificate', 'certificate', signCertificate(pcr('neg', NOW - 10 * HOUR, '3374'))),
  qrFixture('recovery certificate', 'certificate', signCertificate(recovery('2026-10-01'))),
];

/** The genuine bundle envelope and its parts. */
export const BUNDLE_SOURCE = makeBundle(bundle);
const bundleEnvelope = JSON.parse(BUNDLE_SOURCE) as { payload: string; signatures: { kid: string; sig: string }[] };
export const BUNDLE_PAYLOAD = fromBase64Url(bundleEnvelope.payload) ?? fail('bundle payload');
export const BUNDLE_SIG = fromBase64Url(bundleEnvelope.signatures[0].sig) ?? fail('bundle signature');
const BUNDLE_KID = bundleEnvelope.signatures[0].kid;
/** The genuine payload as verifyBundle returns it (schema output), to compare accepted payloads with. */
const BUNDLE_JSON = (() => {
  const r = verifyBundle(BUNDLE_SOURCE, anchor);
  return r.ok ? JSON.stringify(r.value.payload) : fail(`bundle fixture does not verify: ${r.error.code}`);
})();

export const envelopeOf = (payload: Uint8Array, sig: Uint8Array, kid = BUNDLE_KID): string =>
  JSON.stringify({ payload: toBase64Url(payload), signatures: [{ kid, sig: toBase64Url(sig) }] });

/** Sanity: the fixtures are genuine. Throws otherwise (a broken fixture would make every rejection vacuous). */
export function checkFixtures(): void {
  for (const f of QR_FIXTURES) {
    const r = verifyScanned(f.link);
    if (!r.ok) fail(`fixture ${f.name} does not verify: ${r.error.code}`);
  }
  const b = verifyBundle(BUNDLE_SOURCE, anchor);
  if (!b.ok) fail(`bundle fixture does not verify: ${b.error.code}`);
}

// ─── Core under test, with the oracles ──────────────────────────────────────────────────────────────

/** parseScanned, then the signature/key/validity check of whatever it found (at NOW, demo bundle). */
export function verifyScanned(text: string, b: BundlePayload = bundle): Result<Scanned> {
  const parsed = parseScanned(text);
  if (!parsed.ok) return parsed;
  reachedSignatureStage();
  const s = parsed.value;
  if (s.kind === 'venue') {
    const r = verifyVenue(s.signed, b);
    return r.ok ? parsed : r;
  }
  if (s.kind === 'dcc' || s.kind === 'shc') {
    const r = s.kind === 'dcc' ? verifyHeldDcc(s.text, b, NOW) : verifyHeldShc(s.text, b, NOW);
    return r.ok ? parsed : r;
  }
  // A pass carries certificates only: each is verified as a scanned certificate is.
  for (const c of s.kind === 'pass' ? s.part.certificates : [s.signed]) {
    const r = verifyCertificate(c, b, NOW);
    if (!r.ok) return r;
  }
  return parsed;
}

/** The signed bytes a scan was accepted for: a pass counts as the certificate it carries when it holds one. */
const signedBytesOf = (s: Scanned) => {
  if (s.kind === 'dcc' || s.kind === 'shc') return utf8(s.text);
  const { payload, signature } = (s.kind === 'pass' ? s.part.certificates[0] : s.signed).blob;
  const all = new Uint8Array(payload.length + signature.length);
  all.set(payload);
  all.set(signature, payload.length);
  return all;
};

/**
 * The universal oracle for scanned text: rejected with a known code, or accepted as one of the genuine
 * fixtures, byte for byte (`expected` narrows it to one).
 */
export function checkScanned(text: string, what: string, expected?: QrFixture): void {
  const r = verifyScanned(text);
  if (!r.ok) {
    expectKnownFailure(r, `${what} ${show(text)}`);
    return;
  }
  const bytes = signedBytesOf(r.value);
  const candidates = expected ? [expected] : QR_FIXTURES;
  const kind = r.value.kind === 'pass' ? 'certificate' : r.value.kind;
  if (r.value.kind === 'pass' && r.value.part.certificates.length !== 1)
    fail(`${what}: accepted a pass of ${r.value.part.certificates.length} certificates: ${show(text)}`);
  if (!candidates.some((f) => f.kind === kind && sameBytes(f.bytes, bytes))) {
    fail(`${what}: accepted a ${r.value.kind} that is not ${expected?.name ?? 'a genuine fixture'}: ${show(text)}`);
  }
}

/** Must be rejected, full stop (a different signed byte string, or no link at all). */
export function checkRejected(text: string, what: string): void {
  expectKnownFailure(verifyScanned(text), `${what} ${show(text)}`);
}

/** Decoders on raw fragment text: never throw, fail with a known code, and random text never verifies. */
export function checkFragment(digits: string, what: string): void {
  const v = decodeVenue(digits);
  expectKnownCodeIfFailed(v, `${what} decodeVenue`);
  const c = decodeCertificate(digits);
  expectKnownCodeIfFailed(c, `${what} decodeCertificate`);
  if (v.ok || c.ok) reachedSignatureStage();
  if (v.ok) {
    const r = verifyVenue(v.value, bundle);
    if (r.ok && !QR_FIXTURES.some((f) => f.digits === digits)) fail(`${what}: random venue verified: ${show(digits)}`);
    expectKnownCodeIfFailed(r, `${what} verifyVenue`);
  }
  if (c.ok) {
    const r = verifyCertificate(c.value, bundle, NOW);
    if (r.ok && !QR_FIXTURES.some((f) => f.digits === digits)) fail(`${what}: random certificate verified`);
    expectKnownCodeIfFailed(r, `${what} verifyCertificate`);
  }
}

/** Codes verifyBundle returns at or after the signature check (everything else is a decoding failure). */
const SIGNATURE_STAGE_CODES: ReadonlySet<string> = new Set(['BUNDLE_SIGNATURE_INVALID', 'BUNDLE_THRESHOLD_NOT_MET']);

/** verifyBundle against the test anchor, noting whether the envelope got as far as its signatures. */
export function verifyBundleStaged(source: string): Result<VerifiedBundle> {
  const r = verifyBundle(source, anchor);
  if (r.ok || SIGNATURE_STAGE_CODES.has(r.error.code)) reachedSignatureStage();
  return r;
}

/** verifyBundle: never throws; accepted only when the payload is the genuine one. */
export function checkBundle(source: string, what: string): void {
  const r = verifyBundleStaged(source);
  if (!r.ok) {
    expectKnownFailure(r, what);
    return;
  }
  if (JSON.stringify(r.value.payload) !== BUNDLE_JSON) fail(`${what}: accepted a different bundle payload`);
}

// ─── Mutations ──────────────────────────────────────────────────────────────────────────────────────

export function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice();
  out[bit >> 3] ^= 1 << (bit & 7);
  return out;
}

export type ByteEdit =
  | { readonly op: 'flip'; readonly at: number; readonly bit: number }
  | { readonly op: 'set' | 'insert'; readonly at: number; readonly value: number }
  | { readonly op: 'delete'; readonly at: number }
  | { readonly op: 'truncate'; readonly at: number };

/**
 * A position, reduced modulo the length of whatever it edits. Unbiased: fast-check's default bias piles
 * values up at the bounds (the first and last bytes), which would leave the middle of a payload untested.
 */
export const position = fc.noBias(fc.nat(1 << 20));

export const byteEditArb: fc.Arbitrary<ByteEdit> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('flip' as const), at: position, bit: fc.nat(7) }) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constantFrom('set' as const, 'insert' as const), at: position, value: fc.nat(255) }),
  },
  fc.record({ op: fc.constant('delete' as const), at: position }),
  fc.record({ op: fc.constant('truncate' as const), at: position }),
);

export function applyByteEdit(bytes: Uint8Array, e: ByteEdit): Uint8Array {
  if (bytes.length === 0) return e.op === 'insert' ? Uint8Array.of(e.value) : bytes;
  const at = e.at % (e.op === 'insert' ? bytes.length + 1 : bytes.length);
  switch (e.op) {
    case 'flip':
      return flipBit(bytes, at * 8 + e.bit);
    case 'set': {
      const out = bytes.slice();
      out[at] = e.value;
      return out;
    }
    case 'insert':
      return Uint8Array.from([...bytes.subarray(0, at), e.value, ...bytes.subarray(at)]);
    case 'delete':
      return Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + 1)]);
    case 'truncate':
      return bytes.slice(0, at);
  }
}

export type TextEdit = {
  readonly op: 'replace' | 'delete' | 'insert' | 'swap' | 'case';
  /** Position as a fraction-free index, reduced modulo the current length. */
  readonly at: number;
  readonly char: string;
};

/** Characters an edit inserts: mostly digits (they keep the link shape), plus look-alikes and hostile ones. */
export const editCharArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...'0123456789') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      ...[' ', '\t', '\n', '\r', '#', '/', '?', '%', '.', ':', '+', '-', 'e', 'v', 'V', 'c', 'C', '\u00a0'],
      ...['\u202e', '\u0663' /* ARABIC-INDIC 3 */, '\uff10' /* FULLWIDTH 0 */, '\ud800', '\u0000', '\ufeff'],
    ),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);

const textEditArb = (lo: number, hi: number): fc.Arbitrary<TextEdit> =>
  fc.record({
    op: fc.constantFrom('replace' as const, 'delete' as const, 'insert' as const, 'swap' as const, 'case' as const),
    at: fc.noBias(fc.integer({ min: lo, max: hi })),
    char: editCharArb,
  });

/** Apply an edit at `at` (clamped into [lo, length]): positions below `lo` (e.g. the origin) stay untouched. */
export function applyTextEdit(text: string, e: TextEdit, lo = 0): string {
  const span = text.length - lo;
  if (span <= 0) return e.op === 'insert' ? text + e.char : text;
  const at = lo + (e.at % (e.op === 'insert' ? span + 1 : span));
  const before = text.slice(0, at);
  const after = text.slice(at + 1);
  switch (e.op) {
    case 'replace':
      return before + e.char + after;
    case 'delete':
      return before + after;
    case 'insert':
      return before + e.char + text.slice(at);
    case 'swap':
      return at + 1 < text.length ? before + text[at + 1] + text[at] + text.slice(at + 2) : text;
    case 'case': {
      const ch = text[at];
      const flipped = ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase();
      return before + flipped + after;
    }
  }
}

// ─── Arbitrary inputs ───────────────────────────────────────────────────────────────────────────────

const digitArb = fc.constantFrom(...'0123456789');
/**
 * Lengths: fast-check's default size keeps most strings and arrays within ~10 items whatever maxLength says;
 * `sized` mixes those short ones with lengths spread over the whole range.
 */
const sized = <T>(make: (size: 'small' | 'max') => fc.Arbitrary<T>) => fc.oneof(make('small'), make('max'));
export const digitString = (maxLength: number) => sized((size) => fc.string({ unit: digitArb, maxLength, size }));
const binaryString = (maxLength: number) => sized((size) => fc.string({ unit: 'binary', maxLength, size }));
const randomBytes = (maxLength: number) => sized((size) => fc.uint8Array({ maxLength, size }));

/** Deterministic digit text of length n (a linear congruential stream; no global RNG). */
export function digitsOfLength(n: number, seed: number): string {
  let x = (seed ^ (n * 2654435761)) >>> 0;
  let out = '';
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out += String(x % 10);
  }
  return out;
}

const linkPrefixArb = fc
  .tuple(
    fc.constantFrom('https://', 'http://', 'HTTPS://', 'HtTp://', 'ftp://', 'https:/', '', 'javascript:', ' https://'),
    fc.oneof(
      fc.constantFrom('singgah.id', 'SINGGAH.ID', 'localhost:8080', '127.0.0.1', 'x', '', 'a b', 'évil.test', '[::1]'),
      fc.domain(),
    ),
    fc.constantFrom('/v', '/c', '/V', '/C', '/v/', '/c/', '/x', '/vv', '', '/v/c', '/v?x=1', '/c//'),
    fc.constantFrom('#', '#', '#', '', '##', '?#', '#/', '#+', '#-'),
  )
  .map((parts) => parts.join(''));

/** Fragments: plain digits, valid encodings of random bytes, a genuine fixture's digits, or anything. */
const fragmentArb = fc.oneof(
  { weight: 3, arbitrary: digitString(600) },
  { weight: 2, arbitrary: randomBytes(400).map(toQrDigits) },
  { weight: 1, arbitrary: fc.constantFrom(...QR_FIXTURES.map((f) => f.digits)) },
  { weight: 1, arbitrary: binaryString(80) },
);

export const linkShapedArb = fc
  .tuple(linkPrefixArb, fragmentArb, fc.constantFrom('', '', '', ' ', '\n', '?x', '#', '\u0000', '0'))
  .map(([prefix, fragment, tail]) => prefix + fragment + tail);

/** JSON values, including the awkward ones (huge numbers, -0 via text, unicode, nesting). */
const jsonValueArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom<unknown>(
      ...[0, -1, 1, 1.5, 2, 9, 10, 1e21, -1e-7, 1e308, MIN_TIME - 1, MIN_TIME, MAX_TIME, MAX_TIME + 1, NOW, NOW * 1000],
      ...['', ' ', 'x'.repeat(101), 'x'.repeat(41), '\u202e', 'a\nb', '064', '64', '6472', '00', '1899-12-31'],
      ...['2100-01-01', '2100-01-02', '2026-02-30', '2026-13-01', 'v', 't', 'r', 'pcr', 'antigen', 'neg', 'pos'],
      ...['gov', 'GOV', '*', 'unknown-cat', keyIdOf(venueKey.publicKey), keyIdOf(certKey.publicKey)],
      ...[keyIdOf(noticesKey.publicKey), keyIdOf(root.publicKey), 'ABCD', null, true, false, [], {}, [1], { 0: 1 }],
    ),
  },
);

export type TupleEdit =
  | { readonly op: 'replace' | 'insert'; readonly at: number; readonly value: unknown }
  | { readonly op: 'delete'; readonly at: number }
  | { readonly op: 'swap'; readonly at: number; readonly with: number };

const tupleEditArb: fc.Arbitrary<TupleEdit> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('replace' as const), at: position, value: jsonValueArb }) },
  fc.record({ op: fc.constant('insert' as const), at: position, value: jsonValueArb }),
  fc.record({ op: fc.constant('delete' as const), at: position }),
  fc.record({ op: fc.constant('swap' as const), at: position, with: position }),
);

export function applyTupleEdit(tuple: readonly unknown[], e: TupleEdit): unknown[] {
  const out = [...tuple];
  if (out.length === 0) return e.op === 'insert' || e.op === 'replace' ? [e.value] : out;
  const at = e.at % out.length;
  switch (e.op) {
    case 'replace':
      out[at] = e.value;
      break;
    case 'insert':
      out.splice(e.at % (out.length + 1), 0, e.value);
      break;
    case 'delete':
      out.splice(at, 1);
      break;
    case 'swap': {
      const j = e.with % out.length;
      [out[at], out[j]] = [out[j], out[at]];
      break;
    }
  }
  return out;
}

/** The genuine tuples the garbage is made from. */
const payloadTuple = (f: QrFixture): unknown[] =>
  JSON.parse(fromUtf8(f.bytes.subarray(0, f.bytes.length - 64)) ?? fail('fixture payload')) as unknown[];
const VENUE_TUPLE = payloadTuple(QR_FIXTURES[0]);
const CERT_TUPLES = QR_FIXTURES.slice(1).map(payloadTuple);

/** Every string in the genuine tuples (ids, names, dates, codes, key ids): swapped between fields. */
const TUPLE_STRINGS = [
  ...new Set([VENUE_TUPLE, ...CERT_TUPLES].flat().filter((x) => typeof x === 'string')),
] as string[];

/** A value of the same JSON type as `original`, often valid for some field: keeps many tuples decodable. */
function sameTypeArb(original: unknown): fc.Arbitrary<unknown> {
  if (typeof original === 'number') {
    return fc.oneof(
      fc.integer({ min: MIN_TIME - 10, max: MAX_TIME + 10 }),
      fc.integer({ min: -2, max: 1_000_001 }),
      fc.integer({ min: -1, max: 12 }),
      fc.constantFrom(original - 1, original + 1, 1440, 1441, 0),
    );
  }
  if (typeof original === 'string') {
    return fc.oneof(
      fc.constantFrom(...TUPLE_STRINGS),
      fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,12}$/),
      fc.stringMatching(/^(19|20|21)\d\d-[01]\d-[0-3]\d$/),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
    );
  }
  return jsonValueArb;
}

/** A genuine tuple with 1–2 fields replaced by values of the same type (often still decodable). */
const retypedTupleArb = (tuples: readonly unknown[][]) =>
  fc.tuple(fc.constantFrom(...tuples), fc.array(position, { minLength: 1, maxLength: 2 })).chain(([t, at]) =>
    fc.tuple(...at.map((p) => sameTypeArb(t[p % t.length]))).map((values) => {
      const out = [...t];
      at.forEach((p, i) => {
        out[p % t.length] = values[i];
      });
      return out;
    }),
  );

/** Near-valid payloads: a genuine tuple with fields swapped for same-typed values, or with 1–3 structural edits, or any JSON value. */
const garbageTupleArb = (kind: Scanned['kind']) => {
  const tuples = kind === 'venue' ? [VENUE_TUPLE] : CERT_TUPLES;
  return fc.oneof(
    { weight: 4, arbitrary: retypedTupleArb(tuples) },
    {
      weight: 4,
      arbitrary: fc
        .tuple(fc.constantFrom(...tuples), fc.array(tupleEditArb, { minLength: 1, maxLength: 3 }))
        .map(([t, edits]) => edits.reduce<unknown[]>((acc, e) => applyTupleEdit(acc, e), [...t])),
    },
    { weight: 1, arbitrary: jsonValueArb },
  );
};

const SIGNERS: readonly { name: string; key: KeyPair }[] = [
  { name: 'venue key', key: venueKey },
  { name: 'certificate key', key: certKey },
  { name: 'stranger key', key: seededKey(9) },
];

// ─── Deep and huge JSON ─────────────────────────────────────────────────────────────────────────────

export function nestedJson(depth: number, shape: 'array' | 'object' | 'logic'): string {
  const [open, close] = shape === 'array' ? ['[', ']'] : shape === 'object' ? ['{"a":', '}'] : ['{"!":[', ']}'];
  return open.repeat(depth) + (shape === 'array' ? '' : 'true') + close.repeat(depth);
}

// ─── Certificates for decisions ─────────────────────────────────────────────────────────────────────

const CERT_KID = keyIdOf(certKey.publicKey);
const REVOKED_ID = 'REVOKED-1';
/** The demo bundle plus one revoked certificate id the generator sometimes uses. */
export const decisionBundle: BundlePayload = makeBundlePayload({
  revocations: { keys: [], certificates: [REVOKED_ID] },
});
const decisionCtx = { bundle: decisionBundle, now: NOW, trustedTime: NOW - DAY, appVersion: '99.0.0' };
const isoDay = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);

interface GeneratedCert {
  readonly cert: Certificate;
  readonly signer: 'certificate' | 'venue' | 'stranger';
}

interface Head {
  readonly id: string;
  readonly name: string;
  readonly birthDate: string;
  readonly region: string;
  readonly issuedAt: number;
  readonly validFor: number;
  readonly signer: GeneratedCert['signer'];
}
type Tail =
  | {
      readonly kind: 'vaccination';
      readonly product: string;
      readonly dose: number;
      readonly extra: number;
      readonly date: string;
    }
  | {
      readonly kind: 'test';
      readonly testType: 'pcr' | 'antigen';
      readonly result: 'neg' | 'pos';
      readonly sampleTime: number;
    }
  | { readonly kind: 'recovery'; readonly firstPositiveDate: string };

const headArb: fc.Arbitrary<Head> = fc.record({
  id: fc.oneof({ weight: 9, arbitrary: fc.stringMatching(/^[A-Z][A-Z0-9]{3,11}$/) }, fc.constant(REVOKED_ID)),
  name: fc.constantFrom('Budi Santoso', 'Siti Aminah', 'Ñoño Ünïcode'),
  birthDate: fc.constantFrom('1985-04-12', '2010-01-31'),
  region: fc.constantFrom('64', '6472', '33', '3374', '11'),
  // Issued from 300 days before NOW to a few days after it; valid for 1 second to 600 days.
  issuedAt: fc.integer({ min: NOW - 300 * DAY, max: NOW + 5 * DAY }),
  validFor: fc.integer({ min: 1, max: 600 * DAY }),
  signer: fc.oneof(
    { weight: 6, arbitrary: fc.constant('certificate' as const) },
    fc.constantFrom('venue' as const, 'stranger' as const),
  ),
});

const vaccinationArb: fc.Arbitrary<Tail> = fc.record({
  kind: fc.constant('vaccination' as const),
  product: fc.constantFrom('Sinovac', 'AstraZeneca', 'Pfizer'),
  dose: fc.integer({ min: 1, max: 4 }),
  extra: fc.integer({ min: 0, max: 2 }),
  date: fc.integer({ min: -400, max: 10 }).map((d) => isoDay(NOW + d * DAY)),
});
const testArb: fc.Arbitrary<Tail> = fc.record({
  kind: fc.constant('test' as const),
  testType: fc.constantFrom('pcr' as const, 'antigen' as const),
  result: fc.constantFrom('neg' as const, 'pos' as const),
  sampleTime: fc.integer({ min: NOW - 20 * DAY, max: NOW + 2 * DAY }),
});
const recoveryArb: fc.Arbitrary<Tail> = fc.record({
  kind: fc.constant('recovery' as const),
  firstPositiveDate: fc.integer({ min: -400, max: 10 }).map((d) => isoDay(NOW + d * DAY)),
});

function buildCert(h: Head, tail: Tail): GeneratedCert {
  const base = {
    id: h.id,
    holder: { name: h.name, birthDate: h.birthDate, region: h.region },
    kid: h.signer === 'venue' ? keyIdOf(venueKey.publicKey) : CERT_KID,
    issuedAt: h.issuedAt,
    expiresAt: Math.min(h.issuedAt + h.validFor, MAX_TIME),
  };
  let cert: Certificate;
  if (tail.kind === 'vaccination') {
    // Most vaccinations claim a completed series, so green people do occur.
    const doses = tail.extra === 0 || tail.dose % 2 === 0 ? tail.dose : tail.dose + tail.extra;
    cert = { ...base, kind: 'vaccination', product: tail.product, dose: tail.dose, doses, date: tail.date };
  } else if (tail.kind === 'test') {
    cert = { ...base, kind: 'test', testType: tail.testType, result: tail.result, sampleTime: tail.sampleTime };
  } else {
    cert = { ...base, kind: 'recovery', firstPositiveDate: tail.firstPositiveDate };
  }
  return { cert, signer: h.signer };
}

const anyCertArb = fc
  .tuple(headArb, fc.oneof({ weight: 3, arbitrary: vaccinationArb }, { weight: 3, arbitrary: testArb }, recoveryArb))
  .map(([h, t]) => buildCert(h, t));

/** Tests and recoveries that are expired or not yet valid at NOW (any signer). */
const invalidTestOrRecoveryArb = fc
  .tuple(
    headArb,
    fc.oneof(testArb, recoveryArb),
    fc.oneof(
      // expired: expiresAt ≤ NOW
      fc.record({ expired: fc.constant(true), issuedAt: fc.integer({ min: NOW - 400 * DAY, max: NOW - 1 }) }),
      // not yet valid: issuedAt > NOW
      fc.record({ expired: fc.constant(false), issuedAt: fc.integer({ min: NOW + 1, max: NOW + 30 * DAY }) }),
    ),
  )
  .map(([h, t, w]) => {
    const validFor = w.expired ? Math.max(1, Math.min(h.validFor, NOW - w.issuedAt)) : h.validFor;
    return buildCert({ ...h, issuedAt: w.issuedAt, validFor }, t);
  });

function signGenerated(g: GeneratedCert) {
  const key = g.signer === 'certificate' ? certKey : g.signer === 'venue' ? venueKey : seededKey(9);
  const d = decodeCertificate(signCertificate(g.cert, key));
  return d.ok ? d.value : undefined;
}

/** The demo policy's longest lifetime of a kind (none listed: nothing counts, and the oracle says so). */
const maxLifetime = (kind: Certificate['kind']) => (policy.policy.maxCertificateDays?.[kind] ?? 0) * DAY;

/**
 * Necessary conditions for ALLOWED at the Kaltim office (gov, province 64) under the demo policy, from the
 * raw certificates, independently of core: green needs a valid completed vaccination ≥ 14 days old or a valid
 * recovery, no valid positive test in the last 10 days, and a visitor needs a valid negative PCR ≤ 48 h old.
 * Valid = in its time window and no longer than the policy's lifetime for its kind (the key's window is open).
 * A small slack at each boundary keeps the oracle on the permissive side of CertLogic's date arithmetic.
 */
export function mayBeAllowedAtGov(certs: readonly GeneratedCert[], homeRegion: string): boolean {
  const valid = certs
    .filter((g) => g.signer === 'certificate' && g.cert.id !== REVOKED_ID)
    .map((g) => g.cert)
    .filter((c) => c.issuedAt <= NOW && NOW < c.expiresAt && c.expiresAt - c.issuedAt <= maxLifetime(c.kind));
  const green = valid.some(
    (c) =>
      c.kind === 'recovery' ||
      (c.kind === 'vaccination' && c.dose >= c.doses && Date.parse(c.date) / 1000 + 13 * DAY <= NOW),
  );
  const recentPositive = valid.some(
    (c) => c.kind === 'test' && c.result === 'pos' && c.sampleTime <= NOW && c.sampleTime > NOW - 10 * DAY + HOUR,
  );
  const visitorOk =
    homeRegion.slice(0, 2) === '64' ||
    valid.some(
      (c) =>
        c.kind === 'test' &&
        c.testType === 'pcr' &&
        c.result === 'neg' &&
        c.sampleTime <= NOW &&
        c.sampleTime >= NOW - 49 * HOUR,
    );
  return green && !recentPositive && visitorOk;
}

/** Mostly residents of Kalimantan Timur (province 64, the office's), some visitors. */
const homeRegionArb = fc.constantFrom('64', '64', '6472', '6401', '33', '3374', '11');

// ─── The catalogue ──────────────────────────────────────────────────────────────────────────────────

export interface CatalogueEntry {
  readonly name: string;
  readonly property: fc.IProperty<never>;
  /** Runs in the unit test, before the SINGGAH_FUZZ_RUNS multiplier. */
  readonly unitRuns: number;
  /** Relative share of the random cases in `npm run fuzz`; 0 = unit test only. */
  readonly fuzzWeight: number;
}

// fc.property's type carries its argument tuple; the catalogue only runs properties.
const entry = <Ts>(name: string, unitRuns: number, fuzzWeight: number, property: fc.IProperty<Ts>): CatalogueEntry => ({
  name,
  unitRuns,
  fuzzWeight,
  property: property as unknown as fc.IProperty<never>,
});

const counted =
  <A extends unknown[]>(f: (...args: A) => void) =>
  (...args: A): void =>
    countCase(() => f(...args));

function qrMutationEntries(f: QrFixture): CatalogueEntry[] {
  const bits = f.bytes.length * 8;
  const hash = f.link.indexOf('#');
  return [
    entry(
      `${f.name}: any single-bit flip of the signed bytes is rejected`,
      250,
      2,
      fc.property(
        fc.noBias(fc.nat(bits - 1)),
        counted((bit: number) =>
          checkRejected(f.link.slice(0, hash + 1) + toQrDigits(flipBit(f.bytes, bit)), `bit ${bit}`),
        ),
      ),
    ),
    entry(
      `${f.name}: 1–4 byte edits (flip, set, insert, delete, truncate) are rejected unless they cancel out`,
      100,
      2,
      fc.property(
        fc.array(byteEditArb, { minLength: 1, maxLength: 4 }),
        counted((edits: ByteEdit[]) => {
          const t = edits.reduce(applyByteEdit, f.bytes);
          const link = f.link.slice(0, hash + 1) + toQrDigits(t);
          if (sameBytes(t, f.bytes)) checkScanned(link, 'cancelled edits', f);
          else checkRejected(link, 'byte edits');
        }),
      ),
    ),
    entry(
      `${f.name}: edits of the fragment text are rejected unless the signed bytes are untouched`,
      200,
      2,
      fc.property(
        fc.array(textEditArb(0, 1 << 20), { minLength: 1, maxLength: 3 }),
        counted((edits: TextEdit[]) => {
          const text = edits.reduce((t, e) => applyTextEdit(t, e, hash + 1), f.link);
          checkScanned(text, 'fragment edit', f);
        }),
      ),
    ),
    entry(
      `${f.name}: edits anywhere in the link text are rejected unless the signed bytes are untouched`,
      200,
      2,
      fc.property(
        fc.array(textEditArb(0, 1 << 20), { minLength: 1, maxLength: 3 }),
        counted((edits: TextEdit[]) =>
          checkScanned(
            edits.reduce((t, e) => applyTextEdit(t, e), f.link),
            'text edit',
            f,
          ),
        ),
      ),
    ),
  ];
}

const bundleEntries: CatalogueEntry[] = [
  entry(
    'bundle: any single-bit flip of the payload bytes is rejected',
    300,
    1,
    fc.property(
      fc.noBias(fc.nat(BUNDLE_PAYLOAD.length * 8 - 1)),
      counted((bit: number) => {
        expectKnownFailure(verifyBundleStaged(envelopeOf(flipBit(BUNDLE_PAYLOAD, bit), BUNDLE_SIG)), `bit ${bit}`);
      }),
    ),
  ),
  entry(
    'bundle: any single-bit flip of the signature is rejected',
    100,
    1,
    fc.property(
      fc.noBias(fc.nat(511)),
      counted((bit: number) => {
        expectKnownFailure(verifyBundleStaged(envelopeOf(BUNDLE_PAYLOAD, flipBit(BUNDLE_SIG, bit))), `sig bit ${bit}`);
      }),
    ),
  ),
  entry(
    'bundle: any truncation of the payload or signature bytes is rejected',
    200,
    1,
    fc.property(
      fc.boolean(),
      position,
      counted((ofPayload: boolean, n: number) => {
        const source = ofPayload
          ? envelopeOf(BUNDLE_PAYLOAD.slice(0, n % BUNDLE_PAYLOAD.length), BUNDLE_SIG)
          : envelopeOf(BUNDLE_PAYLOAD, BUNDLE_SIG.slice(0, n % 64));
        expectKnownFailure(verifyBundleStaged(source), `truncated to ${n}`);
      }),
    ),
  ),
  entry(
    'bundle: edits of the envelope text are rejected unless the signed payload is untouched',
    300,
    1,
    fc.property(
      fc.array(textEditArb(0, 1 << 20), { minLength: 1, maxLength: 3 }),
      counted((edits: TextEdit[]) => {
        checkBundle(
          edits.reduce((t, e) => applyTextEdit(t, e), BUNDLE_SOURCE),
          'envelope edit',
        );
      }),
    ),
  ),
];

const neverThrowsEntries: CatalogueEntry[] = [
  entry(
    'parseScanned/decoders: arbitrary binary strings',
    2500,
    120,
    fc.property(
      binaryString(300),
      counted((s: string) => {
        checkScanned(s, 'binary string');
        checkFragment(s, 'binary string');
      }),
    ),
  ),
  entry(
    'parseScanned/decoders: arbitrary grapheme strings, up to past the 4096-character cap',
    800,
    40,
    fc.property(
      fc.oneof(
        sized((size) => fc.string({ unit: 'grapheme', maxLength: 200, size })),
        fc.string({ unit: 'grapheme-ascii', minLength: MAX_QR_TEXT - 20, maxLength: MAX_QR_TEXT + 20 }),
      ),
      counted((s: string) => {
        checkScanned(s, 'grapheme string');
        checkFragment(s, 'grapheme string');
      }),
    ),
  ),
  entry(
    'parseScanned/decoders: digit strings of any length up to past the cap',
    2000,
    150,
    fc.property(
      fc.oneof(
        digitString(400),
        fc.integer({ min: 0, max: MAX_QR_TEXT + 50 }).map((n) => digitsOfLength(n, n)),
      ),
      fc.constantFrom('https://singgah.id/v#', 'HTTPS://SINGGAH.ID/C#'),
      counted((digits: string, prefix: string) => {
        checkFragment(digits, 'digits');
        checkScanned(prefix + digits, 'digit link');
      }),
    ),
  ),
  entry(
    'parseScanned: strings shaped like our links with random fragments',
    3000,
    250,
    fc.property(
      linkShapedArb,
      counted((s: string) => checkScanned(s, 'link-shaped')),
    ),
  ),
  entry(
    'decoders: valid encodings of random payloads + random signatures never verify',
    2000,
    150,
    fc.property(
      fc.oneof(
        randomBytes(300),
        garbageTupleArb('venue').map((t) => payloadBytes(t)),
        garbageTupleArb('certificate').map((t) => payloadBytes(t)),
      ),
      fc.uint8Array({ minLength: 64, maxLength: 64 }),
      counted((payload: Uint8Array, sig: Uint8Array) => {
        const all = new Uint8Array(payload.length + 64);
        all.set(payload);
        all.set(sig, payload.length);
        checkFragment(toQrDigits(all), 'random payload');
      }),
    ),
  ),
  entry(
    'verifyBundle: arbitrary strings and JSON',
    2000,
    120,
    fc.property(
      fc.oneof(
        binaryString(300),
        fc.json({ maxDepth: 4 }),
        fc
          .record({
            payload: fc.oneof(
              sized((size) => fc.base64String({ maxLength: 2000, size })),
              fc.constant(bundleEnvelope.payload),
              jsonValueArb,
            ),
            signatures: fc.oneof(
              fc.array(
                fc.record({
                  kid: fc.oneof(fc.constant(BUNDLE_KID), fc.stringMatching(/^[0-9a-f]{4}$/), jsonValueArb),
                  sig: fc.oneof(
                    fc.uint8Array({ minLength: 64, maxLength: 64 }).map(toBase64Url),
                    fc.constant(bundleEnvelope.signatures[0].sig),
                    jsonValueArb,
                  ),
                }),
                { maxLength: 17 },
              ),
              jsonValueArb,
            ),
          })
          .chain((env) =>
            fc.oneof(
              { weight: 4, arbitrary: fc.constant(env) },
              fc.constant({ ...env, extra: 1 }),
              fc.constant({ payload: env.payload }),
            ),
          )
          .map((env) => JSON.stringify(env)),
      ),
      counted((s: string) => {
        checkBundle(s, 'arbitrary bundle text');
      }),
    ),
  ),
  entry(
    'decoders and verifyBundle: deeply nested and huge JSON',
    25,
    0.1,
    fc.property(
      fc.integer({ min: 1, max: 300_000 }),
      fc.constantFrom('array' as const, 'object' as const, 'logic' as const),
      fc.boolean(),
      counted((depth: number, shape: 'array' | 'object' | 'logic', asPayload: boolean) => {
        const json = nestedJson(depth, shape);
        if (asPayload) {
          // As a (not validly signed) bundle payload, and as a QR payload (cut to fit the QR cap).
          checkBundle(envelopeOf(utf8(json), BUNDLE_SIG), 'nested bundle payload');
          const qr = utf8(nestedJson(Math.min(depth, 700), shape));
          const all = new Uint8Array(qr.length + 64);
          all.set(qr);
          all.set(BUNDLE_SIG, qr.length);
          checkFragment(toQrDigits(all), 'nested QR payload');
        } else {
          checkBundle(json, 'nested bundle text');
          checkBundle(`{"payload":"${'A'.repeat(depth * 4)}","signatures":[]}`, 'huge payload');
        }
      }),
    ),
  ),
];

/**
 * Core memoizes signature and key checks per bundle object. Interleaving genuine objects and mutants
 * against one bundle object must give exactly the codes a fresh (uncached) bundle object gives: a cached
 * success never vouches for a mutant, and a cached failure never blocks the genuine object.
 */
const cacheEntry = entry(
  'verification cache: genuine objects and mutants interleaved give the same results as uncached checks',
  150,
  0.5,
  fc.property(
    fc.array(fc.record({ fixture: fc.nat(QR_FIXTURES.length - 1), bit: fc.option(fc.noBias(fc.nat(1 << 20))) }), {
      minLength: 1,
      maxLength: 6,
    }),
    counted((items: { fixture: number; bit: number | null }[]) => {
      const shared: BundlePayload = { ...bundle };
      for (const { fixture, bit } of items) {
        const f = QR_FIXTURES[fixture];
        const bytes = bit === null ? f.bytes : flipBit(f.bytes, bit % (f.bytes.length * 8));
        const link = f.link.slice(0, f.link.indexOf('#') + 1) + toQrDigits(bytes);
        const cached = verifyScanned(link, shared);
        const fresh = verifyScanned(link, { ...bundle });
        const code = (r: Result<unknown>) => (r.ok ? 'ok' : r.error.code);
        if (code(cached) !== code(fresh)) fail(`cached ${code(cached)} but uncached ${code(fresh)} for ${show(link)}`);
        if ((bit === null) !== cached.ok)
          fail(`${bit === null ? 'genuine rejected' : 'mutant accepted'}: ${code(cached)}`);
      }
    }),
  ),
);

function signedGarbageEntry(kind: Scanned['kind']): CatalogueEntry {
  const type: SignedType = kind === 'venue' ? 'venue' : 'certificate';
  return entry(
    `validly signed garbage ${kind} payloads: decode only to what they say, verify only under a ${kind} key`,
    400,
    0.4,
    fc.property(
      garbageTupleArb(kind),
      fc.constantFrom(...SIGNERS),
      counted((tuple: unknown, signer: (typeof SIGNERS)[number]) => {
        const payload = payloadBytes(tuple);
        const digits = encodeSignedDigits(type, payload, signer.key.secretKey);
        const link = `${ORIGIN}/${kind === 'venue' ? 'v' : 'c'}#${digits}`;
        const parsed = parseScanned(link);
        expectKnownCodeIfFailed(parsed, 'signed garbage');
        // Both decoders, whatever the kind: a venue payload read as a certificate and vice versa.
        expectKnownCodeIfFailed(decodeVenue(digits), 'signed garbage decodeVenue');
        expectKnownCodeIfFailed(decodeCertificate(digits), 'signed garbage decodeCertificate');
        if (!parsed.ok) return;
        reachedSignatureStage();
        // Decoding is faithful: the object says exactly what the payload says.
        const normal = JSON.stringify(JSON.parse(fromUtf8(payload) ?? ''));
        const s = parsed.value;
        if (s.kind === 'pass' || s.kind === 'dcc' || s.kind === 'shc')
          return fail(`a /c or /v link parsed as a ${s.kind}`);
        const back = s.kind === 'venue' ? venueToTuple(s.signed.venue) : certificateTuple(s.signed.certificate);
        if (JSON.stringify(back) !== normal) fail(`decoded ${JSON.stringify(back)} from ${normal}`);
        const v =
          s.kind === 'venue'
            ? verifyVenue(s.signed, bundle)
            : verifyCertificate(s.signed, bundle, s.signed.certificate.issuedAt);
        expectKnownCodeIfFailed(v, 'signed garbage verify');
        const rightKey = kind === 'venue' ? venueKey : certKey;
        if (v.ok && signer.key !== rightKey) fail(`verified a ${kind} signed by the ${signer.name}`);
      }),
    ),
  );
}

/** The payload tuple of a decoded certificate, per docs/FORMATS.md (independent of core's encoder). */
function certificateTuple(c: Certificate): unknown[] {
  const head = [1, c.kind[0], c.id, c.holder.name, c.holder.birthDate, c.holder.region, c.kid, c.issuedAt, c.expiresAt];
  if (c.kind === 'vaccination') return [...head, c.product, c.dose, c.doses, c.date];
  if (c.kind === 'test') return [...head, c.testType, c.result, c.sampleTime];
  return [...head, c.firstPositiveDate];
}

const decisionEntries: CatalogueEntry[] = [
  entry(
    'decidePerson: validly signed random certificates give ALLOWED at a gov office only when the facts qualify',
    500,
    0,
    fc.property(
      fc.array(anyCertArb, { minLength: 0, maxLength: 4 }),
      homeRegionArb,
      counted((generated: GeneratedCert[], homeRegion: string) => {
        const kept = generated.flatMap((g) => {
          const s = signGenerated(g);
          return s ? [{ g, s }] : [];
        });
        if (kept.length > 0) reachedSignatureStage();
        const d = decidePerson(
          kept.map((k) => k.s),
          homeRegion,
          kaltimOffice,
          decisionCtx,
        );
        stats.outcomes[d.outcome]++;
        if (
          d.outcome === 'ALLOWED' &&
          !mayBeAllowedAtGov(
            kept.map((k) => k.g),
            homeRegion,
          )
        ) {
          fail(`ALLOWED without qualifying facts: ${JSON.stringify(kept.map((k) => k.g))}`);
        }
      }),
    ),
  ),
  entry(
    'decidePerson: only expired or not-yet-valid tests and recoveries is never ALLOWED at a gov office',
    300,
    0,
    fc.property(
      fc.array(invalidTestOrRecoveryArb, { minLength: 1, maxLength: 3 }),
      homeRegionArb,
      counted((generated: GeneratedCert[], homeRegion: string) => {
        const signed = generated.flatMap((g) => signGenerated(g) ?? []);
        if (signed.length > 0) reachedSignatureStage();
        const d = decidePerson(signed, homeRegion, kaltimOffice, decisionCtx);
        stats.outcomes[d.outcome]++;
        if (d.outcome === 'ALLOWED' || d.status === 'green') {
          fail(`${d.outcome}/${d.status} from invalid certificates: ${JSON.stringify(generated)}`);
        }
      }),
    ),
  ),
];

export const CATALOGUE: readonly CatalogueEntry[] = [
  ...QR_FIXTURES.flatMap(qrMutationEntries),
  ...bundleEntries,
  cacheEntry,
  ...neverThrowsEntries,
  signedGarbageEntry('venue'),
  signedGarbageEntry('certificate'),
  ...decisionEntries,
];

// ─── Exhaustive enumerations (every position, not a sample) ─────────────────────────────────────────

export interface Enumeration {
  readonly name: string;
  /** Also run by the unit test (all but the slowest); the fuzz run runs every enumeration. */
  readonly unit: boolean;
  readonly size: number;
  /** Runs case i (0 ≤ i < size); throws on a violation. */
  readonly run: (i: number) => void;
}

export const enumeration = (name: string, unit: boolean, size: number, run: (i: number) => void): Enumeration => ({
  name,
  unit,
  size,
  run: (i) => countCase(() => run(i)),
});

export const ENUMERATIONS: readonly Enumeration[] = [
  enumeration('decoders: one digit string of every length 0…4146', true, MAX_QR_TEXT + 51, (n) => {
    const digits = digitsOfLength(n, 12345);
    checkFragment(digits, `digits of length ${n}`);
    checkScanned(`https://singgah.id/v#${digits}`, `venue link with ${n} digits`);
  }),
  ...QR_FIXTURES.map((f) => {
    const hash = f.link.indexOf('#');
    return enumeration(
      `${f.name}: every truncation of the bytes and of the text`,
      true,
      f.bytes.length + f.link.length,
      (i) => {
        if (i < f.bytes.length)
          checkRejected(f.link.slice(0, hash + 1) + toQrDigits(f.bytes.slice(0, i)), `bytes cut to ${i}`);
        else checkRejected(f.link.slice(0, i - f.bytes.length), `text cut to ${i - f.bytes.length}`);
      },
    );
  }),
  enumeration('bundle: every truncation of the envelope text', true, BUNDLE_SOURCE.length, (i) =>
    expectKnownFailure(verifyBundleStaged(BUNDLE_SOURCE.slice(0, i)), `envelope cut to ${i}`),
  ),
  ...QR_FIXTURES.map((f) => {
    const hash = f.link.indexOf('#');
    return enumeration(`${f.name}: every single-bit flip of the signed bytes`, true, f.bytes.length * 8, (bit) =>
      checkRejected(f.link.slice(0, hash + 1) + toQrDigits(flipBit(f.bytes, bit)), `bit ${bit}`),
    );
  }),
  enumeration('bundle: every single-bit flip of the signature', true, 512, (bit) => {
    expectKnownFailure(verifyBundleStaged(envelopeOf(BUNDLE_PAYLOAD, flipBit(BUNDLE_SIG, bit))), `sig bit ${bit}`);
  }),
  enumeration('bundle: every truncation of the payload bytes', false, BUNDLE_PAYLOAD.length, (n) => {
    expectKnownFailure(verifyBundleStaged(envelopeOf(BUNDLE_PAYLOAD.slice(0, n), BUNDLE_SIG)), `payload cut to ${n}`);
  }),
];

/**
 * A bundle validly signed by the test root whose first status rule's CertLogic is `{"!":[…]}` nested
 * `depth` deep — written as text, since JSON.stringify itself overflows the stack on such values.
 */
export function signedBundleWithDeepLogic(depth: number): string {
  const marker = '"__DEEP__"';
  const shallow = {
    ...bundle,
    statusRules: [{ ...bundle.statusRules[0], logic: '__DEEP__' }, ...bundle.statusRules.slice(1)],
  };
  const bytes = utf8(JSON.stringify(shallow).replace(marker, nestedJson(depth, 'logic')));
  return envelopeOf(bytes, signDetached('bundle', bytes, root.secretKey));
}
