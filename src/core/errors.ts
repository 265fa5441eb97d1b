/**
 * Errors are values. Every failure the core can detect has a stable code; the UI maps codes to
 * translated text (src/ui/i18n). Nothing in core throws for bad input — it returns `Err`.
 */
export type ErrorCode =
  | 'INPUT_TOO_LARGE'
  | 'NOT_SINGGAH_CODE'
  | 'ENCODING_INVALID'
  | 'PAYLOAD_INVALID'
  | 'PAYLOAD_UNKNOWN_FIELD'
  | 'PAYLOAD_WRONG_TYPE'
  | 'PAYLOAD_OUT_OF_RANGE'
  | 'PAYLOAD_TOO_LONG'
  | 'FORMAT_VERSION_UNSUPPORTED'
  | 'SIGNATURE_MALFORMED'
  | 'SIGNATURE_NON_CANONICAL'
  | 'PUBLIC_KEY_INVALID'
  | 'VENUE_SIGNATURE_INVALID'
  | 'CERTIFICATE_SIGNATURE_INVALID'
  | 'BUNDLE_SIGNATURE_INVALID'
  | 'BUNDLE_THRESHOLD_NOT_MET'
  | 'BUNDLE_EXPIRED'
  | 'BUNDLE_ROLLBACK'
  | 'ROOT_SIGNATURE_INVALID'
  | 'ROOT_THRESHOLD_NOT_MET'
  | 'ROOT_VERSION_GAP'
  | 'ROOT_CHAIN_TOO_LONG'
  | 'KEY_UNKNOWN'
  | 'KEY_WRONG_ROLE'
  | 'KEY_NOT_VALID_NOW'
  | 'KEY_REVOKED'
  | 'CERTIFICATE_REVOKED'
  | 'CERTIFICATE_EXPIRED'
  | 'CERTIFICATE_NOT_YET_VALID'
  | 'NOTICE_INVALID'
  | 'NOTICE_SIGNATURE_INVALID'
  | 'SHORT_CODE_MALFORMED'
  | 'SHORT_CODE_MISTYPED'
  | DccErrorCode
  | 'CHECKIN_PERSON_DENIED'
  | 'CHECKIN_HAND_CHECK_REQUIRED'
  | 'CHECKIN_PERSON_DUPLICATE'
  | 'STAY_OUT_OF_RANGE'
  | 'PASS_MIXED_HOLDERS'
  | 'PASS_NOT_FOR_CHECK_IN'
  | 'TEXT_CHARACTER_REFUSED'
  | 'RULE_VAR_UNKNOWN'
  | 'CHECKIN_TOO_MANY_PEOPLE'
  | 'CERTIFICATE_OUTLIVES_KEY'
  | 'CERTIFICATE_LIFETIME_TOO_LONG'
  | ShcErrorCode;

/**
 * What decoding, verifying and accepting an EU DCC (core/dcc, core/held-dcc) can fail with: each step of the
 * `HC1:` pipeline, the time and revocation checks it shares with Singgah certificates, and the EU acceptance
 * rules the bundle carries.
 */
export type DccErrorCode =
  | 'HC1_PREFIX_MISSING'
  | 'BASE45_INVALID'
  | 'INFLATE_FAILED'
  | 'INFLATE_TOO_LARGE'
  | 'COSE_INVALID'
  | 'CBOR_INVALID'
  | 'CWT_CLAIMS_INVALID'
  | 'DCC_SCHEMA_INVALID'
  | 'SIGNER_UNKNOWN'
  | 'SIGNATURE_INVALID'
  | 'ALGORITHM_UNSUPPORTED'
  | 'KEY_USAGE_MISMATCH'
  | 'CERTIFICATE_EXPIRED'
  | 'CERTIFICATE_NOT_YET_VALID'
  | 'SIGNER_EXPIRED'
  | 'CERTIFICATE_REVOKED'
  | 'DCC_RULE_FAILED'
  | 'DCC_RULE_ERROR'
  /** A sealed case report that does not open: altered, or sealed to another key (case-seal.ts). */
  | 'CASE_SEAL_INVALID';

/**
 * What decoding and verifying a SMART Health Card (core/shc) can fail with: each step of the `shc:/` pipeline
 * (numeric QR text, chunks, compact JWS, raw DEFLATE, JWT payload, ES256 signature against the bundle's issuer
 * keys, time, revocation). Shared meanings reuse the codes above (`INFLATE_*`, `SIGNATURE_INVALID`,
 * `CERTIFICATE_*`, `SIGNER_EXPIRED`).
 */
export type ShcErrorCode =
  | 'SHC_PREFIX_MISSING'
  | 'SHC_NUMERIC_INVALID'
  | 'SHC_CHUNK_INVALID'
  | 'SHC_CHUNK_MISSING'
  | 'SHC_JWS_INVALID'
  | 'SHC_HEADER_INVALID'
  | 'SHC_SIGNATURE_FORMAT'
  | 'SHC_TRAILING_DATA'
  | 'SHC_PAYLOAD_INVALID'
  | 'SHC_ISSUER_UNKNOWN'
  | 'SHC_KEY_UNKNOWN'
  | 'INFLATE_FAILED'
  | 'INFLATE_TOO_LARGE'
  | 'SIGNATURE_INVALID'
  | 'SIGNER_EXPIRED'
  | 'CERTIFICATE_EXPIRED'
  | 'CERTIFICATE_NOT_YET_VALID'
  | 'CERTIFICATE_REVOKED';

export interface CoreError {
  readonly code: ErrorCode;
  /** Developer-facing detail (never shown as the message; the code is translated instead). */
  readonly detail?: string;
}

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: CoreError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const err = <T = never>(code: ErrorCode, detail?: string): Result<T> => ({
  ok: false,
  error: detail === undefined ? { code } : { code, detail },
});
