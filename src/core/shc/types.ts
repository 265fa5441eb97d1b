/** The SMART Health Card's public shapes: what the bundle carries about issuers, and the inspection report. */
import type { ShcErrorCode } from '../errors';

/** One trusted issuer key as phones get it in the bundle (`shcIssuers[].keys[]`): never a JWKS fetched at run time. */
export interface ShcIssuerKey {
  /** base64url SHA-256 JWK thumbprint (RFC 7638) of the key: checked again before every use. */
  readonly kid: string;
  /** P-256 public point, base64url 32 bytes each. */
  readonly x: string;
  readonly y: string;
  /** Unix seconds: cards signed (nbf) outside this window do not verify (SIGNER_EXPIRED). Optional. */
  readonly notBefore?: number;
  readonly notAfter?: number;
  /** The key's revocation list (`rids` of its CRL): `rid`, or `rid.timestamp` = cards with nbf before it. */
  readonly revokedRids?: readonly string[];
}

export interface ShcIssuer {
  /** The `iss` URL exactly as cards carry it (https, no trailing slash). */
  readonly iss: string;
  /** For people: "Digital Agency of Japan". */
  readonly name: string;
  readonly keys: readonly ShcIssuerKey[];
}

export type ShcCheck = 'prefix' | 'numeric' | 'jws' | 'decompress' | 'payload' | 'signature' | 'time';
export const SHC_CHECKS: readonly ShcCheck[] = [
  'prefix',
  'numeric',
  'jws',
  'decompress',
  'payload',
  'signature',
  'time',
];

export interface ShcClaims {
  readonly iss?: string;
  readonly nbf?: number;
  readonly exp?: number;
}

export interface ShcInspection {
  readonly format: 'shc';
  /** Every check true and no error (so not revoked either). */
  readonly valid: boolean;
  /** null = not reached, or not part of the input (a bare JWS has no `prefix`/`numeric`). */
  readonly checks: Readonly<Record<ShcCheck, boolean | null>>;
  readonly errors: readonly ShcErrorCode[];
  /** The JWT payload as decoded (even when a later check failed); null when not decodable. */
  readonly payload: unknown | null;
  readonly claims: ShcClaims;
  readonly kid?: string;
  /** The trusted issuer whose key verified the signature. */
  readonly issuer?: ShcIssuer;
  /** The card's `vc.rid`, when it has one (what `trust revoke-shc` would list). */
  readonly rid?: string;
}

export type { ShcErrorCode };
