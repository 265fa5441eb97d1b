/**
 * Passphrase encryption of a key file's secret: scrypt(passphrase, salt; N, r, p) → 32-byte key → AES-256-GCM
 * over the 64 secret bytes, with "singgah-key\n<kid>\n<role>" as additional data so a file renamed to another
 * key or role fails to open. keys.ts decides when to use it and where the passphrase comes from.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { fromBase64Url, toBase64Url } from '../src/core/bytes';
import { AuthorityError } from './errors';

/** The encrypted secret as stored in a key file; all byte fields base64url. */
export interface EncryptedSecret {
  readonly kdf: 'scrypt';
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly salt: string;
  readonly cipher: 'aes-256-gcm';
  readonly iv: string;
  readonly data: string;
  readonly tag: string;
}

/** scrypt parameters; `N` is the cost (memory and time grow with it). */
export interface ScryptCost {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

// OWASP's scrypt minimum (Password Storage Cheat Sheet): N = 2^17, r = 8, p = 1 — 128 MiB and about half a
// second per guess, so a stolen key file costs an attacker that much memory and time for every passphrase
// tried. Each file is decrypted once per process, so a CLI run that opens a few keys stays bearable.
export const SCRYPT_COST: ScryptCost = { N: 2 ** 17, r: 8, p: 1 };
// scrypt needs 128 × N × r bytes; Node refuses anything above `maxmem` (default 32 MiB), so it is raised to
// fit the largest N a file may name (2^20 × 8 → 1 GiB) plus slack.
const maxmemFor = (cost: ScryptCost) => 128 * cost.N * cost.r + 16 * 1024 * 1024;

/** Passphrases for new key files are at least this long (code points, after NFC): NIST SP 800-63B-4. */
export const MIN_PASSPHRASE_CHARS = 15;

/** Refuse a passphrase too short to protect a new key file; opening existing files takes any. */
export function checkNewPassphrase(pass: string): void {
  const chars = [...pass.normalize('NFC')].length;
  if (chars < MIN_PASSPHRASE_CHARS) {
    throw new AuthorityError(
      'INPUT_INVALID',
      `the passphrase has ${chars} characters; new key files need at least ${MIN_PASSPHRASE_CHARS} characters ` +
        '(four or more random words are easier to remember and stronger)',
    );
  }
}

const keyAad = (kid: string, role: string) => Buffer.from(`singgah-key\n${kid}\n${role}`, 'utf8');

export function encryptSecret(
  secret: Uint8Array,
  kid: string,
  role: string,
  pass: string,
  cost: ScryptCost = SCRYPT_COST,
): EncryptedSecret {
  checkNewPassphrase(pass);
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const key = scryptSync(pass.normalize('NFC'), salt, 32, { ...cost, maxmem: maxmemFor(cost) });
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(keyAad(kid, role));
  const data = Buffer.concat([cipher.update(secret), cipher.final()]);
  const b64 = (b: Buffer) => toBase64Url(new Uint8Array(b));
  return {
    kdf: 'scrypt',
    N: cost.N,
    r: cost.r,
    p: cost.p,
    salt: b64(salt),
    cipher: 'aes-256-gcm',
    iv: b64(iv),
    data: b64(data),
    tag: b64(cipher.getAuthTag()),
  };
}

/** True when a file was encrypted more cheaply than new files are (it opens; it should be re-encrypted). */
export const isWeaklyEncrypted = (enc: EncryptedSecret): boolean => enc.N < SCRYPT_COST.N || enc.r < SCRYPT_COST.r;

/** The 64 secret bytes; KEY_LOCKED on a wrong passphrase or an altered file (`file` names it in the message). */
export function decryptSecret(enc: EncryptedSecret, kid: string, role: string, pass: string, file: string): Uint8Array {
  const bytes = (s: string) => Buffer.from(fromBase64Url(s) ?? new Uint8Array());
  const sane =
    enc.kdf === 'scrypt' &&
    enc.cipher === 'aes-256-gcm' &&
    [enc.N, enc.r, enc.p].every(Number.isInteger) &&
    enc.N <= 2 ** 20 &&
    enc.r <= 32 &&
    enc.p <= 16;
  if (!sane) throw new AuthorityError('KEY_FILE_INVALID', `${file}: unsupported key encryption parameters`);
  try {
    const key = scryptSync(pass.normalize('NFC'), bytes(enc.salt), 32, {
      N: enc.N,
      r: enc.r,
      p: enc.p,
      maxmem: maxmemFor(enc),
    });
    const decipher = createDecipheriv('aes-256-gcm', key, bytes(enc.iv));
    decipher.setAAD(keyAad(kid, role));
    decipher.setAuthTag(bytes(enc.tag));
    return new Uint8Array(Buffer.concat([decipher.update(bytes(enc.data)), decipher.final()]));
  } catch {
    throw new AuthorityError('KEY_LOCKED', `${file}: wrong passphrase (or the file was altered)`);
  }
}
