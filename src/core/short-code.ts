/**
 * The venue's short code, printed under its QR for when the camera cannot read it: 10 Crockford base32
 * characters shown as `XXXXX-XXXXX`. The first 9 are the first 45 bits of
 * SHA-256("singgah/v1/venue-short-code\n" + venue id), so anyone holding a venue (the phone's history, the
 * server) derives the same code and nothing new has to be signed; the 10th is a Luhn mod 32 check character,
 * which catches every single mistyped character and most swaps of neighbours before any lookup.
 *
 * The code only *finds* a venue: the app then verifies the venue's signed QR digits exactly like a scanned
 * poster, so a wrong or forged answer can never pass as a venue.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8 } from './bytes';
import { err, ok, type Result } from './errors';

/** Crockford's base32: no I, L, O, U (they read as 1, 1, 0 or as a rude word). */
export const SHORT_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Characters derived from the venue id; the server stores and indexes exactly these. */
export const SHORT_CODE_BODY_LENGTH = 9;
export const SHORT_CODE_LENGTH = SHORT_CODE_BODY_LENGTH + 1;
/** What a person may type: letters, digits, spaces and dashes, and not a whole essay. */
const MAX_INPUT_LENGTH = 40;

const VALUE = new Map([...SHORT_CODE_ALPHABET].map((c, i) => [c, i]));
// Crockford's decoding: the letters people confuse with digits read as those digits.
for (const [typed, meant] of [
  ['O', 0],
  ['I', 1],
  ['L', 1],
] as const)
  VALUE.set(typed, meant);

/** Luhn mod N (N = 32): doubles every second value from the right, folds the carry back in. */
function checkValue(body: readonly number[]): number {
  let sum = 0;
  for (let i = body.length - 1, double = true; i >= 0; i--, double = !double) {
    const addend = double ? body[i] * 2 : body[i];
    sum += Math.floor(addend / 32) + (addend % 32);
  }
  return (32 - (sum % 32)) % 32;
}

/** The 9 body characters of a venue id's short code (what the server indexes). */
export function shortCodeBody(venueId: string): string {
  const hash = sha256(utf8(`singgah/v1/venue-short-code\n${venueId}`));
  let out = '';
  for (let i = 0; i < SHORT_CODE_BODY_LENGTH; i++) {
    // Bits 5i … 5i+4 of the hash, most significant first, read from the (at most) two bytes they span.
    const bit = 5 * i;
    const pair = (hash[bit >> 3] << 8) | hash[(bit >> 3) + 1];
    out += SHORT_CODE_ALPHABET[(pair >> (11 - (bit & 7))) & 31];
  }
  return out;
}

/** The venue's short code, canonical form (10 characters, no dash). */
export function shortCodeOf(venueId: string): string {
  const body = shortCodeBody(venueId);
  const values = [...body].map((c) => VALUE.get(c) ?? 0);
  return body + SHORT_CODE_ALPHABET[checkValue(values)];
}

/** `ABCDE-FGHJK`: how posters print it and the app shows it. */
export const formatShortCode = (code: string): string => `${code.slice(0, 5)}-${code.slice(5)}`;

/**
 * What someone typed → the canonical code. Case, spaces and dashes do not matter; O reads as 0 and I/L as 1.
 * SHORT_CODE_MALFORMED: not 10 base32 characters; SHORT_CODE_MISTYPED: the check character does not match.
 */
export function parseShortCode(input: string): Result<string> {
  if (input.length > MAX_INPUT_LENGTH) return err('SHORT_CODE_MALFORMED', 'too long');
  const compact = input.toUpperCase().replace(/[\s-]+/g, '');
  const values: number[] = [];
  for (const c of compact) {
    const v = VALUE.get(c);
    if (v === undefined) return err('SHORT_CODE_MALFORMED', 'not a base32 character');
    values.push(v);
  }
  if (values.length !== SHORT_CODE_LENGTH) return err('SHORT_CODE_MALFORMED', `${values.length} characters`);
  const body = values.slice(0, SHORT_CODE_BODY_LENGTH);
  if (checkValue(body) !== values[SHORT_CODE_BODY_LENGTH]) return err('SHORT_CODE_MISTYPED');
  return ok(values.map((v) => SHORT_CODE_ALPHABET[v]).join(''));
}
