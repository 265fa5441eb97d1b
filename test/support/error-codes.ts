/**
 * Every error code core can return, as a runtime list, so property tests can assert "rejected with a
 * known code". Kept honest by the compiler in both directions: `satisfies` fails if a listed code is
 * not an ErrorCode any more, and `Exhaustive` fails if core gains a code that is missing here.
 */
import type { ErrorCode, Result } from '../../src/core/errors';

export const ERROR_CODES = [
  'INPUT_TOO_LARGE',
  'NOT_SINGGAH_CODE',
  'ENCODING_INVALID',
  'PAYLOAD_INVALID',
  'PAYLOAD_UNKNOWN_FIELD',
  'PAYLOAD_WRONG_TYPE',
  'PAYLOAD_OUT_OF_RANGE',
  'PAYLOAD_TOO_LONG',
  'FORMAT_VERSION_UNSUPPORTED',
  'SIGNATURE_MALFORMED',
  'SIGNATURE_NON_CANONICAL',
  'PUBLIC_KEY_INVALID',
  'VENUE_SIGNATURE_INVALID',
  'CERTIFICATE_SIGNATURE_INVALID',
  'BUNDLE_SIGNATURE_INVALID',
  'BUNDLE_THRESHOLD_NOT_MET',
  'BUNDLE_EXPIRED',
  'BUNDLE_ROLLBACK',
  'ROOT_SIGNATURE_INVALID',
  'ROOT_THRESHOLD_NOT_MET',
  'ROOT_VERSION_GAP',
  'ROOT_CHAIN_TOO_LONG',
  'KEY_UNKNOWN',
  'KEY_WRONG_ROLE',
  'KEY_NOT_VALID_NOW',
  'KEY_REVOKED',
  'CERTIFICATE_REVOKED',
  'CERTIFICATE_EXPIRED',
  'CERTIFICATE_NOT_YET_VALID',
  'NOTICE_INVALID',
  'NOTICE_SIGNATURE_INVALID',
  'SHORT_CODE_MALFORMED',
  'SHORT_CODE_MISTYPED',
  'HC1_PREFIX_MISSING',
  'BASE45_INVALID',
  'INFLATE_FAILED',
  'INFLATE_TOO_LARGE',
  'COSE_INVALID',
  'CBOR_INVALID',
  'CWT_CLAIMS_INVALID',
  'DCC_SCHEMA_INVALID',
  'SIGNER_UNKNOWN',
  'SIGNATURE_INVALID',
  'ALGORITHM_UNSUPPORTED',
  'KEY_USAGE_MISMATCH',
  'SIGNER_EXPIRED',
  'CHECKIN_PERSON_DENIED',
  'CHECKIN_HAND_CHECK_REQUIRED',
  'CHECKIN_PERSON_DUPLICATE',
  'STAY_OUT_OF_RANGE',
  'PASS_MIXED_HOLDERS',
  'PASS_NOT_FOR_CHECK_IN',
  'DCC_RULE_FAILED',
  'DCC_RULE_ERROR',
  'TEXT_CHARACTER_REFUSED',
  'RULE_VAR_UNKNOWN',
  'CHECKIN_TOO_MANY_PEOPLE',
  'CASE_SEAL_INVALID',
  'SHC_PREFIX_MISSING',
  'SHC_NUMERIC_INVALID',
  'SHC_CHUNK_INVALID',
  'SHC_CHUNK_MISSING',
  'SHC_JWS_INVALID',
  'SHC_HEADER_INVALID',
  'SHC_SIGNATURE_FORMAT',
  'SHC_TRAILING_DATA',
  'SHC_PAYLOAD_INVALID',
  'SHC_ISSUER_UNKNOWN',
  'SHC_KEY_UNKNOWN',
  'CERTIFICATE_OUTLIVES_KEY',
  'CERTIFICATE_LIFETIME_TOO_LONG',
] as const satisfies readonly ErrorCode[];

/** `true` only when ERROR_CODES lists every ErrorCode; the assignment below fails to compile otherwise. */
type Exhaustive = [Exclude<ErrorCode, (typeof ERROR_CODES)[number]>] extends [never] ? true : false;
const exhaustive: Exhaustive = true;
void exhaustive;

const KNOWN: ReadonlySet<string> = new Set(ERROR_CODES);

/** A runtime check for values that crossed an `unknown` boundary (e.g. a browser page). */
export const isErrorCode = (code: unknown): code is ErrorCode => typeof code === 'string' && KNOWN.has(code);

/** Throws unless `r` is a failure carrying a known code. Returns the code. */
export function expectKnownFailure(r: Result<unknown>, what: string): ErrorCode {
  if (r.ok) throw new Error(`${what}: accepted, expected a rejection`);
  if (!isErrorCode(r.error.code)) throw new Error(`${what}: unknown error code ${JSON.stringify(r.error.code)}`);
  return r.error.code;
}

/** Throws if `r` is a failure with an unknown code (success is fine). */
export function expectKnownCodeIfFailed(r: Result<unknown>, what: string): void {
  if (!r.ok && !isErrorCode(r.error.code))
    throw new Error(`${what}: unknown error code ${JSON.stringify(r.error.code)}`);
}
