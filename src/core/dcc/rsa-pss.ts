/**
 * RSASSA-PSS verification (RFC 8017 §8.1.2 with EMSA-PSS-VERIFY, §9.1.2) for COSE PS256: SHA-256,
 * MGF1 with SHA-256, salt 32 bytes. Synchronous and pure (BigInt modular exponentiation), because core
 * never awaits; a public-key operation with e = 65537 is 17 multiplications of 2048–4096-bit numbers.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes } from '../bytes';

const H_LEN = 32;
export const PSS_SALT_LENGTH = 32;
/** RSA below 2048 bits is refused outright, whatever signed it (the hcert spec's floor). */
export const MIN_RSA_BITS = 2048;
const MAX_RSA_BITS = 8192;

const toBigInt = (bytes: Uint8Array): bigint => {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
};

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  let b = base % mod;
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % mod;
    b = (b * b) % mod;
  }
  return result;
}

const bitLength = (n: bigint): number => n.toString(2).length;

function mgf1(seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let counter = 0, at = 0; at < length; counter++, at += H_LEN) {
    const block = sha256(
      concatBytes(seed, Uint8Array.of(counter >>> 24, (counter >> 16) & 0xff, (counter >> 8) & 0xff, counter & 0xff)),
    );
    out.set(block.subarray(0, Math.min(H_LEN, length - at)), at);
  }
  return out;
}

export interface RsaPublicKey {
  readonly n: Uint8Array;
  readonly e: Uint8Array;
}

/** Why a key cannot be used, or undefined when it can. */
export function rsaKeyProblem(key: RsaPublicKey): string | undefined {
  const n = toBigInt(key.n);
  const e = toBigInt(key.e);
  const bits = bitLength(n);
  if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) return `modulus of ${bits} bits`;
  if ((n & 1n) === 0n) return 'even modulus';
  if (e < 3n || (e & 1n) === 0n || e >= n) return 'bad public exponent';
  return undefined;
}

export function verifyPs256(key: RsaPublicKey, message: Uint8Array, signature: Uint8Array): boolean {
  if (rsaKeyProblem(key) !== undefined) return false;
  const n = toBigInt(key.n);
  const modBits = bitLength(n);
  const k = Math.ceil(modBits / 8);
  if (signature.length !== k) return false;
  const s = toBigInt(signature);
  if (s >= n) return false;
  const m = modPow(s, toBigInt(key.e), n);
  const emBits = modBits - 1;
  const emLen = Math.ceil(emBits / 8);
  if (m >> BigInt(8 * emLen) !== 0n) return false;
  const em = new Uint8Array(emLen);
  let rest = m;
  for (let i = emLen - 1; i >= 0; i--, rest >>= 8n) em[i] = Number(rest & 0xffn);
  // EMSA-PSS-VERIFY.
  if (emLen < H_LEN + PSS_SALT_LENGTH + 2 || em[emLen - 1] !== 0xbc) return false;
  const maskedDb = em.subarray(0, emLen - H_LEN - 1);
  const h = em.subarray(emLen - H_LEN - 1, emLen - 1);
  const topBits = 8 * emLen - emBits;
  const topMask = 0xff >> topBits;
  if ((maskedDb[0] & ~topMask & 0xff) !== 0) return false;
  const db = mgf1(h, maskedDb.length).map((x, i) => x ^ maskedDb[i]);
  db[0] &= topMask;
  const padEnd = emLen - H_LEN - PSS_SALT_LENGTH - 2;
  for (let i = 0; i < padEnd; i++) if (db[i] !== 0) return false;
  if (db[padEnd] !== 0x01) return false;
  const salt = db.subarray(db.length - PSS_SALT_LENGTH);
  const hPrime = sha256(concatBytes(new Uint8Array(8), sha256(message), salt));
  let diff = 0;
  for (let i = 0; i < H_LEN; i++) diff |= hPrime[i] ^ h[i];
  return diff === 0;
}
