/**
 * The sealed case report (docs/FORMATS.md "Sealed case upload"): the visits a positive person chose and the case
 * code they were given, encrypted on the phone to the health office's X25519 key from the signed bundle with
 * tweetnacl's `nacl.box` (X25519 + XSalsa20-Poly1305) from a fresh ephemeral key pair and a random nonce per
 * upload. The sync server stores it and checks the code that travels beside it, but cannot read it; the officer
 * opens it offline (`singgah case review`). The plaintext is padded to one fixed size, so the stored ciphertext
 * does not even tell how many visits it holds.
 *
 * Pure: the randomness is a parameter (the phone draws it), so core reads no random source and tests can seal
 * deterministically. tweetnacl is here, not @noble: the brief names it, and `nacl.box` is exactly this job
 * (src/core/README.md).
 */
import nacl from 'tweetnacl';
import * as v from 'valibot';
import { fromBase64Url, fromUtf8, toBase64Url, utf8 } from './bytes';
import { err, ok, type Result } from './errors';
import { identifier, keyId, parseJson, parseWith, time, type UnixSeconds } from './schema';

/**
 * Visits per report. The phone offers the visits of the last 14 days; OPERATIONS.md plans for 3 check-ins a day
 * per active user, and 100 allows 7 every day for two weeks — more than twice that — while bounding what one
 * code can publish. A person with more (a courier) sends the newest 100 and is traced by the health officer.
 */
export const MAX_CASE_VISITS = 100;
/** Every report's plaintext is padded to this size: 100 visits with 40-character venue ids fit (test/core). */
export const CASE_PLAINTEXT_BYTES = 8192;
/** Ciphertext size: the plaintext plus Poly1305's 16-byte tag. */
export const CASE_BOX_BYTES = CASE_PLAINTEXT_BYTES + nacl.box.overheadLength;
/** 12 Crockford base32 characters, normalised (server/case-codes.ts normaliseCaseCode). */
const caseCode = v.pipe(v.string(), v.regex(/^[0-9A-HJKMNP-TV-Z]{12}$/));
const b64 = (bytes: number) =>
  v.pipe(v.string(), v.regex(new RegExp(`^[A-Za-z0-9_-]{${Math.ceil((bytes * 4) / 3)}}$`)));

export interface CaseVisit {
  readonly venueId: string;
  readonly from: UnixSeconds;
  readonly to: UnixSeconds;
}

/** What the phone says: the code it was given and the visits chosen. */
export interface CaseReport {
  readonly code: string;
  readonly visits: readonly CaseVisit[];
}

/** The health office's encryption key, as the bundle lists it (`caseKey`). */
export interface CaseRecipient {
  readonly kid: string;
  readonly publicKey: Uint8Array;
}

/** Fresh for every upload: an X25519 secret key (32 bytes) and a nonce (24 bytes), drawn by the caller. */
export interface SealRandomness {
  readonly ephemeralSecretKey: Uint8Array;
  readonly nonce: Uint8Array;
}

const sealedSchema = v.strictObject({
  v: v.literal(1),
  /** The bundle's `caseKey.kid` it was sealed to. */
  kid: keyId,
  /** The ephemeral public key. */
  epk: b64(nacl.box.publicKeyLength),
  nonce: b64(nacl.box.nonceLength),
  box: b64(CASE_BOX_BYTES),
});
export type SealedCase = v.InferOutput<typeof sealedSchema>;

const plainSchema = v.strictObject({
  type: v.literal('singgah-case'),
  v: v.literal(1),
  code: caseCode,
  visits: v.pipe(v.array(v.strictTuple([identifier, time, time])), v.maxLength(MAX_CASE_VISITS)),
});

/** Seal a report to the health office's key. Refuses more than MAX_CASE_VISITS visits or a malformed code. */
export function sealCase(report: CaseReport, to: CaseRecipient, random: SealRandomness): Result<SealedCase> {
  const plain = {
    type: 'singgah-case',
    v: 1,
    code: report.code,
    visits: report.visits.map((x) => [x.venueId, x.from, x.to]),
  };
  const checked = parseWith(plainSchema, plain);
  if (!checked.ok) return checked;
  if (
    to.publicKey.length !== nacl.box.publicKeyLength ||
    random.ephemeralSecretKey.length !== nacl.box.secretKeyLength ||
    random.nonce.length !== nacl.box.nonceLength
  ) {
    return err('PUBLIC_KEY_INVALID', 'key or nonce of the wrong length');
  }
  const text = utf8(JSON.stringify(plain));
  // Unreachable: the schema above caps a report at 6,762 bytes (100 visits, 40-character ids, times before 2100).
  // Stryker disable next-line all: equivalent while that cap holds; kept so a wider schema cannot overflow the pad
  if (text.length > CASE_PLAINTEXT_BYTES) return err('INPUT_TOO_LARGE');
  const padded = new Uint8Array(CASE_PLAINTEXT_BYTES).fill(0x20);
  padded.set(text);
  const ephemeral = nacl.box.keyPair.fromSecretKey(random.ephemeralSecretKey);
  const box = nacl.box(padded, random.nonce, to.publicKey, ephemeral.secretKey);
  return ok({
    v: 1,
    kid: to.kid,
    epk: toBase64Url(ephemeral.publicKey),
    nonce: toBase64Url(random.nonce),
    box: toBase64Url(box),
  });
}

/** Check the shape of a sealed report as received (the server's whole check of the content it cannot read). */
export function parseSealedCase(input: unknown): Result<SealedCase> {
  return parseWith(sealedSchema, input);
}

/**
 * Open a sealed report with the health office's X25519 secret key. Anything altered in transit — a bit of the
 * box, the nonce or the ephemeral key — or the wrong key gives CASE_SEAL_INVALID; a well-sealed plaintext that is
 * not a v1 report gives the schema's code.
 */
export function openCase(input: unknown, secretKey: Uint8Array): Result<CaseReport> {
  const sealed = parseSealedCase(input);
  if (!sealed.ok) return sealed;
  const box = fromBase64Url(sealed.value.box);
  const nonce = fromBase64Url(sealed.value.nonce);
  const epk = fromBase64Url(sealed.value.epk);
  if (!box || !nonce || !epk) return err('ENCODING_INVALID', 'not base64url');
  if (secretKey.length !== nacl.box.secretKeyLength) return err('PUBLIC_KEY_INVALID', 'secret key length');
  const plain = nacl.box.open(box, nonce, epk, secretKey);
  if (!plain) return err('CASE_SEAL_INVALID');
  // The padding is spaces after the JSON: JSON.parse skips them as white space, and the schema checks the rest.
  const text = fromUtf8(plain);
  if (text === undefined) return err('ENCODING_INVALID', 'plaintext is not UTF-8');
  const json = parseJson(text);
  if (!json.ok) return json;
  const report = parseWith(plainSchema, json.value);
  if (!report.ok) return report;
  return ok({
    code: report.value.code,
    visits: report.value.visits.map(([venueId, from, to]) => ({ venueId, from, to })),
  });
}

/** The X25519 public key of a secret key (the CLI writes both into the key file and checks they match). */
export const casePublicKeyOf = (secretKey: Uint8Array): Uint8Array =>
  nacl.box.keyPair.fromSecretKey(secretKey).publicKey;
