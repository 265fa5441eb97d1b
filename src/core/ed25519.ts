/**
 * Ed25519 with domain separation. The signed message is `singgah/v1/<type>\n` followed by the exact
 * payload bytes received, so a venue signature can never verify as a certificate's and nothing is
 * ever re-serialised before verifying.
 */
import nacl from 'tweetnacl';
import { concatBytes, toHex, utf8 } from './bytes';
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

/** tweetnacl-js accepts S ≥ L, which makes signatures malleable (dchest/tweetnacl-js#253). */
export function isCanonicalSignature(sig: Uint8Array): boolean {
  return sig.length === nacl.sign.signatureLength && littleEndian(sig.subarray(32)) < L;
}

/** A public key whose y coordinate is not reduced mod p has a second encoding (tweetnacl-js#270). */
export function isCanonicalPublicKey(key: Uint8Array): boolean {
  if (key.length !== nacl.sign.publicKeyLength) return false;
  const y = littleEndian(key) & ((1n << 255n) - 1n);
  return y < P;
}

export function verifyDetached(
  type: SignedType,
  payload: Uint8Array,
  signature: Uint8Array,
  publicKey: Uint8Array,
): Result<true> {
  if (signature.length !== nacl.sign.signatureLength) return err('SIGNATURE_MALFORMED');
  if (!isCanonicalSignature(signature)) return err('SIGNATURE_NON_CANONICAL');
  if (!isCanonicalPublicKey(publicKey)) return err('PUBLIC_KEY_INVALID');
  return nacl.sign.detached.verify(domainMessage(type, payload), signature, publicKey)
    ? ok(true)
    : err('SIGNATURE_MALFORMED', 'signature does not verify');
}

export function signDetached(type: SignedType, payload: Uint8Array, secretKey: Uint8Array): Uint8Array {
  return nacl.sign.detached(domainMessage(type, payload), secretKey);
}

/**
 * Short key id: first 2 bytes of SHA-512(public key), hex. Short because it rides in every venue QR;
 * ids may collide, so callers try every bundle key with a matching id (as EU DCC verifiers do).
 */
export const keyIdOf = (publicKey: Uint8Array): string => toHex(nacl.hash(publicKey).subarray(0, 2));

/** Content id of a signed payload — used instead of signature bytes, which are not unique. */
export const contentIdOf = (type: SignedType, payload: Uint8Array): string =>
  toHex(nacl.hash(domainMessage(type, payload)).subarray(0, 16));

export interface KeyPair {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

/** Key generation takes its randomness as a parameter: core never reaches for a global RNG. */
export const keyPairFromSeed = (seed: Uint8Array): KeyPair => nacl.sign.keyPair.fromSeed(seed);
