/**
 * The compact signed form used inside QR codes: `<origin>/<path>#<digits>` where digits are the QR
 * numeric-mode text of `payload bytes ‖ 64-byte Ed25519 signature`. The fragment never reaches a
 * server (CrowdNotifier's rule), and numeric mode keeps a signed venue within a version-10-M QR.
 */
import { fromQrDigits, fromUtf8, toQrDigits, utf8 } from './bytes';
import { contentIdOf, type SignedType, signDetached } from './ed25519';
import { err, ok, type Result } from './errors';
import { parseJson } from './schema';

/** Longest QR text we will look at; a version-40 QR holds 7089 digits. */
export const MAX_QR_TEXT = 4096;
const SIGNATURE_BYTES = 64;

export interface SignedBlob {
  /** Exact payload bytes as received: the signature is checked over these, never a re-encoding. */
  readonly payload: Uint8Array;
  readonly signature: Uint8Array;
  /** Parsed JSON of the payload, still unvalidated. */
  readonly json: unknown;
  /** Hash of the domain-separated payload: the identity of the object (never its signature). */
  readonly contentId: string;
}

export function encodeSignedDigits(type: SignedType, payload: Uint8Array, secretKey: Uint8Array): string {
  const signature = signDetached(type, payload, secretKey);
  const all = new Uint8Array(payload.length + SIGNATURE_BYTES);
  all.set(payload);
  all.set(signature, payload.length);
  return toQrDigits(all);
}

export function decodeSignedDigits(type: SignedType, digits: string): Result<SignedBlob> {
  if (digits.length > MAX_QR_TEXT) return err('INPUT_TOO_LARGE');
  const bytes = fromQrDigits(digits);
  if (!bytes || bytes.length <= SIGNATURE_BYTES + 2) return err('ENCODING_INVALID');
  const payload = bytes.slice(0, bytes.length - SIGNATURE_BYTES);
  const signature = bytes.slice(bytes.length - SIGNATURE_BYTES);
  const source = fromUtf8(payload);
  if (source === undefined) return err('ENCODING_INVALID', 'payload is not UTF-8');
  const json = parseJson(source);
  if (!json.ok) return json;
  return ok({ payload, signature, json: json.value, contentId: contentIdOf(type, payload) });
}

/** Canonical JSON text for a payload we create (verifiers never depend on it). */
export const payloadBytes = (value: unknown): Uint8Array => utf8(JSON.stringify(value));
