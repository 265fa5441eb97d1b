/**
 * Ed25519 with domain separation. The signed message is `singgah/v1/<type>\n` followed by the exact
 * payload bytes received, so a venue signature can never verify as a certificate's and nothing is
 * ever re-serialised before verifying.
 */
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import { concatBytes, toHex, utf8 } from './bytes';

// @noble/ed25519 (audited, 5 KB) verifies ~5× faster than tweetnacl-js (docs/BENCHMARKS.md), which is what
// keeps a decision at the door within budget. Its synchronous API needs a SHA-512: set once, here.
ed.hashes.sha512 = sha512;

const SIGNATURE_BYTES = 64;
const PUBLIC_KEY_BYTES = 32;

import { err, ok, type Result } from './errors';

export type SignedType = 'venue' | 'certificate' | 'bundle' | 'root' | 'notices' | 'pass';

export const domainMessage = (type: SignedType, payload: Uint8Array): Uint8Array =>
  concatBytes(utf8(`singgah/v1/${type}\n`), payload);

// Group order L = 2^252 + 27742317777372353535851937790883648493 and field prime p = 2^255 - 19.
const L = (1n << 252n) + 27742317777372353535851937790883648493n;
const P = (1n << 255n) - 19n;

function littleEndian(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]);
  return n;
}

/**
 * S ≥ L makes signatures malleable; tweetnacl-js accepts it (dchest/tweetnacl-js#253). Checked here, not
 * left to whichever library verifies, so swapping the library cannot weaken it.
 */
export function isCanonicalSignature(sig: Uint8Array): boolean {
  return sig.length === SIGNATURE_BYTES && littleEndian(sig.subarray(32)) < L;
}

/** A public key whose y coordinate is not reduced mod p has a second encoding (tweetnacl-js#270). */
export function isCanonicalPublicKey(key: Uint8Array): boolean {
  if (key.length !== PUBLIC_KEY_BYTES) return false;
  const y = littleEndian(key) & ((1n << 255n) - 1n);
  return y < P;
}

export function verifyDetached(
  type: SignedType,
  payload: Uint8Array,
  signature: Uint8Array,
  publicKey: Uint8Array,
): Result<true> {
  if (signature.length !== SIGNATURE_BYTES) return err('SIGNATURE_MALFORMED');
  if (!isCanonicalSignature(signature)) return err('SIGNATURE_NON_CANONICAL');
  if (!isCanonicalPublicKey(publicKey)) return err('PUBLIC_KEY_INVALID');
  let valid: boolean;
  try {
    // zip215: false = RFC 8032's strict rules (no small-order or non-canonical point encodings).
    valid = ed.verify(signature, domainMessage(type, payload), publicKey, { zip215: false });
    // Stryker disable next-line BlockStatement,StringLiteral: unreachable with @noble/ed25519 3, which answers false
  } catch {
    // @noble/ed25519 3 answers false for a key that is not a curve point; a library that throws instead must
    // still give a code, never a crash.
    // Stryker disable next-line StringLiteral: unreachable with @noble/ed25519 3 (see above)
    return err('PUBLIC_KEY_INVALID', 'not a curve point');
  }
  return valid ? ok(true) : err('SIGNATURE_MALFORMED', 'signature does not verify');
}

/** `secretKey` is the 64-byte form seed ‖ public key (as tweetnacl and libsodium store it). */
export function signDetached(type: SignedType, payload: Uint8Array, secretKey: Uint8Array): Uint8Array {
  return ed.sign(domainMessage(type, payload), secretKey.subarray(0, 32));
}

/**
 * Short key id: first 2 bytes of SHA-512(public key), hex. Short because it rides in every venue QR;
 * ids may collide, so callers try every bundle key with a matching id (as EU DCC verifiers do).
 */
export const keyIdOf = (publicKey: Uint8Array): string => toHex(sha512(publicKey).subarray(0, 2));

/** Content id of a signed payload — used instead of signature bytes, which are not unique. */
export const contentIdOf = (type: SignedType, payload: Uint8Array): string =>
  toHex(sha512(domainMessage(type, payload)).subarray(0, 16));

export interface KeyPair {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

/** Key generation takes its randomness as a parameter: core never reaches for a global RNG. */
export function keyPairFromSeed(seed: Uint8Array): KeyPair {
  const publicKey = ed.getPublicKey(seed);
  return { publicKey, secretKey: concatBytes(seed, publicKey) };
}
