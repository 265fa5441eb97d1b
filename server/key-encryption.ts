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

// scrypt cost 2^15 × r 8 = 32 MiB and ~0.1 s per key: enough to make guessing a stolen file's passphrase
// slow, while a CLI run that opens a few keys stays quick (each file is decrypted once per process).
const SCRYPT = { N: 2 ** 15, r: 8, p: 1 } as const;
const SCRYPT_MAXMEM = 64 * 1024 * 1024;

const keyAad = (kid: string, role: string) => Buffer.from(`singgah-key\n${kid}\n${role}`, 'utf8');

export function encryptSecret(secret: Uint8Array, kid: string, role: string, pass: string): EncryptedSecret {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const key = scryptSync(pass.normalize('NFC'), salt, 32, { ...SCRYPT, maxmem: SCRYPT_MAXMEM });
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(keyAad(kid, role));
  const data = Buffer.concat([cipher.update(secret), cipher.final()]);
  const b64 = (b: Buffer) => toBase64Url(new Uint8Array(b));
  return {
    kdf: 'scrypt',
    ...SCRYPT,
    salt: b64(salt),
    cipher: 'aes-256-gcm',
    iv: b64(iv),
    data: b64(data),
    tag: b64(cipher.getAuthTag()),
  };
}

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
      maxmem: Math.max(SCRYPT_MAXMEM, 256 * enc.N * enc.r),
    });
    const decipher = createDecipheriv('aes-256-gcm', key, bytes(enc.iv));
    decipher.setAAD(keyAad(kid, role));
    decipher.setAuthTag(bytes(enc.tag));
    return new Uint8Array(Buffer.concat([decipher.update(bytes(enc.data)), decipher.final()]));
  } catch {
    throw new AuthorityError('KEY_LOCKED', `${file}: wrong passphrase (or the file was altered)`);
  }
}
