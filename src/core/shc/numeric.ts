/**
 * The `shc:/` QR text (SMART Health Cards, "Encoding QRs"): each character of the compact JWS as two decimal
 * digits, its code minus 45 (`-`, the lowest base64url character), so `z` (122) is 77, the highest pair. A card
 * too long for one QR was split into chunks `shc:/<n>/<total>/<digits>` (deprecated by the spec, still read).
 * Strict: any other character, an odd digit count, a pair above 77 or a malformed chunk header is refused.
 */
import { err, ok, type Result } from '../errors';

export const SHC_PREFIX = 'shc:/';
/** The spec's limits: a JWS over 1195 characters SHALL be split into chunks of at most 1191. */
export const MAX_SINGLE_JWS = 1195;
export const MAX_CHUNK_JWS = 1191;
/** Chunking is deprecated and real cards used 2–3; ten bounds a reassembly (and what a guard holds). */
export const MAX_CHUNKS = 10;
const OFFSET = 45;
const MAX_PAIR = 77;

/** One scanned QR text: the whole JWS (`total` 1) or chunk `index` of `total`. */
export interface ShcChunk {
  readonly index: number;
  readonly total: number;
  readonly jws: string;
}

const CHUNKED = /^shc:\/([1-9]\d{0,2})\/([1-9]\d{0,2})\/(.*)$/s;

/** Digits → JWS characters; undefined for anything but an even count of digits with pairs ≤ 77. */
export function fromShcDigits(digits: string): string | undefined {
  if (digits.length === 0 || digits.length % 2 !== 0 || !/^\d+$/.test(digits)) return undefined;
  let out = '';
  for (let i = 0; i < digits.length; i += 2) {
    const pair = (digits.charCodeAt(i) - 48) * 10 + (digits.charCodeAt(i + 1) - 48);
    if (pair > MAX_PAIR) return undefined;
    out += String.fromCharCode(pair + OFFSET);
  }
  return out;
}

/** JWS characters → digits (the issuer side: demo cards, tests, the pass). Only base64url and `.` are defined. */
export function toShcDigits(jws: string): string {
  let out = '';
  for (let i = 0; i < jws.length; i++) out += String(jws.charCodeAt(i) - OFFSET).padStart(2, '0');
  return out;
}

/** Read one `shc:/` text. Its prefix is checked by the caller (SHC_PREFIX_MISSING). */
export function parseShcChunk(text: string): Result<ShcChunk> {
  if (!text.startsWith(SHC_PREFIX)) return err('SHC_PREFIX_MISSING');
  const chunked = CHUNKED.exec(text);
  if (chunked) {
    const index = Number(chunked[1]);
    const total = Number(chunked[2]);
    // A single QR must not carry a chunk header (`shc:/1/1/` is not the spec's form for one QR).
    if (total < 2 || total > MAX_CHUNKS || index > total) return err('SHC_CHUNK_INVALID', `chunk ${index}/${total}`);
    const jws = fromShcDigits(chunked[3]);
    if (jws === undefined) return err('SHC_NUMERIC_INVALID');
    if (jws.length > MAX_CHUNK_JWS) return err('SHC_CHUNK_INVALID', `chunk of ${jws.length} characters`);
    return ok({ index, total, jws });
  }
  const body = text.slice(SHC_PREFIX.length);
  // A `/` left over means a chunk header that is not `<n>/<total>/` with positive numbers.
  if (body.includes('/')) return err('SHC_CHUNK_INVALID', 'malformed chunk header');
  const jws = fromShcDigits(body);
  if (jws === undefined) return err('SHC_NUMERIC_INVALID');
  if (jws.length > MAX_SINGLE_JWS) return err('SHC_NUMERIC_INVALID', `JWS of ${jws.length} characters in one QR`);
  return ok({ index: 1, total: 1, jws });
}

/** The QR texts of a JWS: one, or balanced chunks when it is longer than one QR may hold (as issuers split). */
export function toShcTexts(jws: string): string[] {
  if (jws.length <= MAX_SINGLE_JWS) return [`${SHC_PREFIX}${toShcDigits(jws)}`];
  const total = Math.ceil(jws.length / MAX_CHUNK_JWS);
  const size = Math.ceil(jws.length / total);
  return Array.from(
    { length: total },
    (_, i) => `${SHC_PREFIX}${i + 1}/${total}/${toShcDigits(jws.slice(i * size, (i + 1) * size))}`,
  );
}
