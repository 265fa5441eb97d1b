/**
 * The compact JWS of a card (RFC 7515 §7.1): `header.payload.signature`, each base64url without padding. The
 * protected header must say `alg: "ES256"`, `zip: "DEF"` and name the key (`kid`); a `crit` header is one we
 * cannot understand and is refused. The signature must be the 64-byte raw r‖s of JWS ES256 (RFC 7518 §3.4):
 * a DER-encoded ECDSA signature, which some issuers' libraries produced, is refused rather than converted.
 */
import { fromBase64Url, fromUtf8, utf8 } from '../bytes';

export interface ShcHeader {
  readonly alg?: unknown;
  readonly zip?: unknown;
  readonly kid?: unknown;
}

export interface ShcJws {
  /** The header as decoded (null when it is not a JSON object). */
  readonly header: ShcHeader | null;
  readonly kid?: string;
  /** Base64url-decoded payload (raw DEFLATE when `zip` is DEF). */
  readonly payload: Uint8Array;
  readonly signature: Uint8Array;
  /** ASCII of `header.payload`: what ES256 signed. */
  readonly signingInput: Uint8Array;
  /** The header's own problem, if any: the signature can still be checked and the payload read. */
  readonly headerProblem?: string;
  /** DER or another length: SHC_SIGNATURE_FORMAT. */
  readonly signatureProblem?: string;
}

const COMPACT = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/;
/** A kid is a base64url SHA-256 thumbprint (43 characters); anything longer is not a kid we could trust. */
const KID = /^[A-Za-z0-9_-]{1,64}$/;

function parseObject(bytes: Uint8Array | undefined): Record<string, unknown> | null {
  const text = bytes && fromUtf8(bytes);
  if (text === undefined) return null;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** A DER ECDSA-Sig-Value: SEQUENCE { INTEGER r, INTEGER s } spanning the whole signature. */
export function isDerSignature(sig: Uint8Array): boolean {
  if (sig.length < 8 || sig[0] !== 0x30 || sig[1] !== sig.length - 2 || sig[2] !== 0x02) return false;
  const rEnd = 4 + sig[3];
  return rEnd + 2 <= sig.length && sig[rEnd] === 0x02 && rEnd + 2 + sig[rEnd + 1] === sig.length;
}

export type ParsedJws = { readonly ok: true; readonly value: ShcJws } | { readonly ok: false; readonly detail: string };

export function parseShcJws(jws: string): ParsedJws {
  const m = COMPACT.exec(jws);
  if (!m) return { ok: false, detail: 'not three base64url parts' };
  const payload = fromBase64Url(m[2]);
  const signature = fromBase64Url(m[3]);
  if (!payload || !signature) return { ok: false, detail: 'payload or signature is not base64url' };
  const header = parseObject(fromBase64Url(m[1]));
  const kid = typeof header?.kid === 'string' && KID.test(header.kid) ? header.kid : undefined;
  const headerProblem =
    header === null
      ? 'header is not a JSON object'
      : header.alg !== 'ES256'
        ? `alg ${JSON.stringify(header.alg ?? null)}, not ES256`
        : header.zip !== 'DEF'
          ? `zip ${JSON.stringify(header.zip ?? null)}, not DEF`
          : kid === undefined
            ? 'no usable kid'
            : Object.hasOwn(header, 'crit')
              ? 'critical header parameters'
              : undefined;
  const signatureProblem =
    signature.length === 64
      ? undefined
      : isDerSignature(signature)
        ? 'DER-encoded signature; ES256 in JWS is the 64-byte r‖s'
        : `signature of ${signature.length} bytes, not 64`;
  return {
    ok: true,
    value: {
      header,
      ...(kid === undefined ? {} : { kid }),
      payload,
      signature,
      signingInput: utf8(`${m[1]}.${m[2]}`),
      ...(headerProblem === undefined ? {} : { headerProblem }),
      ...(signatureProblem === undefined ? {} : { signatureProblem }),
    },
  };
}
