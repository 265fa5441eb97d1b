/** The EU DCC's public shapes: what the bundle carries about signers and revocations, and the report. */
import type { DccErrorCode } from '../errors';

/** What a phone gets in the bundle about one Document Signer; never X.509. */
export interface DccSigner {
  /** Standard base64 (as the EU lists use) of the 8-byte kid: the first 8 bytes of SHA-256 of the DER certificate. */
  readonly kid: string;
  /** ISO 3166 alpha-2 from the signer certificate's subject C. */
  readonly country: string;
  readonly alg: 'ES256' | 'PS256';
  /** JWK-style, base64url without padding. */
  readonly key: DccPublicKey;
  /** Unix seconds: the signer certificate's validity, which must cover the DCC's `iat`. */
  readonly notBefore?: number;
  readonly notAfter?: number;
  /** DCC types this signer may sign (from its key-usage OIDs); absent = all types. */
  readonly usages?: readonly DccType[];
}

export type DccPublicKey =
  | { readonly kty: 'EC'; readonly crv: 'P-256'; readonly x: string; readonly y: string }
  | { readonly kty: 'RSA'; readonly n: string; readonly e: string };

export type DccType = 't' | 'v' | 'r';

/** Standard base64 of the first 16 bytes of SHA-256, as the EU revocation lists carry them. */
export interface DccRevocations {
  /** Hash of the UCI (`ci`). */
  readonly uci?: readonly string[];
  /** Hash of the CWT issuer country (`iss`) followed by the UCI. */
  readonly countryUci?: readonly string[];
  /** Hash of the COSE signature (for ES256 of `r` only, the first 32 bytes). */
  readonly signature?: readonly string[];
}

/** One DCC's hash in each list it can be revoked by (the country+UCI one needs both `iss` and a UCI). */
export interface RevocationHashes {
  readonly uci?: string;
  readonly countryUci?: string;
  readonly signature: string;
}

export type DccCheck =
  | 'prefix'
  | 'base45'
  | 'decompress'
  | 'cose'
  | 'cbor'
  | 'schema'
  | 'signature'
  | 'keyUsage'
  | 'time';

export interface DccClaims {
  readonly iss?: string;
  readonly iat?: number;
  readonly exp?: number;
}

export interface DccInspection {
  readonly format: 'eu-dcc';
  /** Every check true and no error at all (so not revoked, and the signer was valid at `iat`). */
  readonly valid: boolean;
  /** null = not reached (an earlier step failed in a way that leaves nothing to check). */
  readonly checks: Readonly<Record<DccCheck, boolean | null>>;
  /** Error codes in the order found. */
  readonly errors: readonly DccErrorCode[];
  /** The DCC JSON (hcert −260 → 1) as decoded, even when a later check failed; null when not decodable. */
  readonly payload: unknown | null;
  readonly claims: DccClaims;
  /** Standard base64 of the kid the COSE headers name. */
  readonly kid?: string;
  /** The trusted signer whose key verified the signature. */
  readonly signer?: DccSigner;
  /** Its revocation hashes, once the COSE message is decoded (what `singgah dcc revoke` lists). */
  readonly revocation?: RevocationHashes;
}

/** Defined once, with every other core error code, in core/errors.ts. */
export type { DccErrorCode };
