import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import {
  contentIdOf,
  isCanonicalPublicKey,
  isCanonicalSignature,
  keyIdOf,
  signDetached,
  verifyDetached,
} from '../../src/core/ed25519';
import { seededKey, signedTypes } from '../support/authority';

const key = seededKey(9);
const payload = new TextEncoder().encode('[1,"x"]');
const L = (1n << 252n) + 27742317777372353535851937790883648493n;

function addLToS(sig: Uint8Array): Uint8Array {
  let s = 0n;
  for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(sig[i]);
  s += L;
  const out = sig.slice();
  for (let i = 32; i < 64; i++) {
    out[i] = Number(s & 0xffn);
    s >>= 8n;
  }
  return out;
}

describe('ed25519 with domain separation', () => {
  it('verifies its own signature for every type', () => {
    for (const type of signedTypes) {
      expect(verifyDetached(type, payload, signDetached(type, payload, key.secretKey), key.publicKey).ok).toBe(true);
    }
  });

  it('never accepts a signature made for another type', () => {
    for (const signedAs of signedTypes) {
      const sig = signDetached(signedAs, payload, key.secretKey);
      for (const checkedAs of signedTypes.filter((t) => t !== signedAs)) {
        expect(verifyDetached(checkedAs, payload, sig, key.publicKey).ok).toBe(false);
      }
    }
  });

  it('rejects S >= L, which tweetnacl alone would accept (tweetnacl-js#253)', () => {
    const sig = signDetached('venue', payload, key.secretKey);
    const malleable = addLToS(sig);
    const message = new TextEncoder().encode(`singgah/v1/venue\n[1,"x"]`);
    expect(nacl.sign.detached.verify(message, malleable, key.publicKey)).toBe(true);
    const r = verifyDetached('venue', payload, malleable, key.publicKey);
    expect(r.ok ? 'ok' : r.error.code).toBe('SIGNATURE_NON_CANONICAL');
  });

  it('isCanonicalSignature: exactly 64 bytes with S below the group order', () => {
    const sig = signDetached('venue', payload, key.secretKey);
    expect(isCanonicalSignature(sig)).toBe(true);
    expect(isCanonicalSignature(addLToS(sig))).toBe(false);
    // S exactly L is the first value out of range; L - 1 the last one in it.
    const withS = (s: bigint) => {
      const out = sig.slice();
      for (let i = 32; i < 64; i++, s >>= 8n) out[i] = Number(s & 0xffn);
      return out;
    };
    expect(isCanonicalSignature(withS(L))).toBe(false);
    expect(isCanonicalSignature(withS(L - 1n))).toBe(true);
    expect(isCanonicalSignature(sig.subarray(0, 63))).toBe(false);
    expect(isCanonicalSignature(new Uint8Array([...sig, 0]))).toBe(false);
  });

  it('rejects malformed signatures and public keys', () => {
    const sig = signDetached('venue', payload, key.secretKey);
    const short = verifyDetached('venue', payload, sig.subarray(0, 63), key.publicKey);
    expect(short.ok ? 'ok' : short.error.code).toBe('SIGNATURE_MALFORMED');
    // y = p (2^255 - 19) is the non-canonical spelling of y = 0.
    const nonCanonical = new Uint8Array(32).fill(0xff);
    nonCanonical[0] = 0xed;
    nonCanonical[31] = 0x7f;
    expect(isCanonicalPublicKey(nonCanonical)).toBe(false);
    const r = verifyDetached('venue', payload, sig, nonCanonical);
    expect(r.ok ? 'ok' : r.error.code).toBe('PUBLIC_KEY_INVALID');
    expect(isCanonicalPublicKey(key.publicKey)).toBe(true);
  });

  it('refuses the small-order identity key, under which S = 0 would verify any message (RFC 8032, not ZIP-215)', () => {
    const identity = new Uint8Array(32);
    identity[0] = 1; // y = 1, x = 0: the neutral point, a canonical encoding
    const trivial = new Uint8Array(64);
    trivial.set(identity); // R = identity, S = 0
    expect(isCanonicalPublicKey(identity)).toBe(true);
    expect(isCanonicalSignature(trivial)).toBe(true);
    for (const type of signedTypes) expect(verifyDetached(type, payload, trivial, identity).ok).toBe(false);
  });

  it('answers ok(true) for a good signature', () => {
    const sig = signDetached('bundle', payload, key.secretKey);
    expect(verifyDetached('bundle', payload, sig, key.publicKey)).toEqual({ ok: true, value: true });
  });

  it('a well-formed signature over other bytes, or by another key, does not verify, and says so', () => {
    const sig = signDetached('venue', payload, key.secretKey);
    const notVerified = { ok: false, error: { code: 'SIGNATURE_MALFORMED', detail: 'signature does not verify' } };
    expect(verifyDetached('venue', payload.subarray(1), sig, key.publicKey)).toMatchObject(notVerified);
    expect(verifyDetached('venue', payload, sig, seededKey(10).publicKey)).toMatchObject(notVerified);
  });

  it('derives short key ids and content ids independent of the signature', () => {
    expect(keyIdOf(key.publicKey)).toMatch(/^[0-9a-f]{4}$/);
    expect(contentIdOf('venue', payload)).not.toBe(contentIdOf('certificate', payload));
    expect(contentIdOf('venue', payload)).toBe(contentIdOf('venue', payload.slice()));
  });
});
