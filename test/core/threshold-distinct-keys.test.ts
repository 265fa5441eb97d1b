/**
 * A k-of-n threshold counts distinct keys, never signatures (go-tuf GHSA-3633-5h82-39pq). Ed25519 as RFC 8032
 * signs deterministically, but a verifier accepts any nonce: one key can produce many different valid
 * signatures over the same bytes. Counting distinct signature bytes would let one key meet k = 2 alone.
 */
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { type BundleEnvelope, verifyBundle } from '../../src/core/bundle';
import { concatBytes, fromBase64Url, toBase64Url } from '../../src/core/bytes';
import { domainMessage, type KeyPair, keyIdOf, type SignedType, verifyDetached } from '../../src/core/ed25519';
import type { Result } from '../../src/core/errors';
import { type RootPayload, signRoot, verifyRootStep } from '../../src/core/root';
import { anchorOf, makeBundle, makeBundlePayload, NOW, root, root2, seededKey } from '../support/authority';

const code = <T>(r: Result<T>) => (r.ok ? 'ok' : r.error.code);
const L = (1n << 252n) + 27742317777372353535851937790883648493n;
const toNumber = (bytes: Uint8Array) => bytes.reduceRight((n, b) => (n << 8n) | BigInt(b), 0n);
const toBytes32 = (n: bigint) => Uint8Array.from({ length: 32 }, (_, i) => Number((n >> BigInt(8 * i)) & 0xffn));

/**
 * An Ed25519 signature of `key` over the domain-separated payload with the nonce `r` instead of RFC 8032's
 * derived one: S = r + H(R ‖ A ‖ M)·a mod L. Valid for every verifier, and different bytes for every r.
 */
function signWithNonce(type: SignedType, payload: Uint8Array, key: KeyPair, r: bigint): Uint8Array {
  const { scalar, pointBytes } = ed.utils.getExtendedPublicKey(key.secretKey.subarray(0, 32));
  const R = ed.Point.BASE.multiply(r).toBytes();
  const k = toNumber(sha512(concatBytes(R, pointBytes, domainMessage(type, payload)))) % L;
  return concatBytes(R, toBytes32((r + k * scalar) % L));
}

/** The envelope with a second signature entry by the same key, over the same payload, with another nonce. */
function signedTwiceBy(source: string, type: SignedType, key: KeyPair): string {
  const env = JSON.parse(source) as BundleEnvelope;
  const payload = fromBase64Url(env.payload) as Uint8Array;
  const first = env.signatures.find((s) => s.kid === keyIdOf(key.publicKey));
  if (!first) throw new Error('the key did not sign this envelope');
  const second = signWithNonce(type, payload, key, 0x5eed_5eed_5eed_5eedn);
  // Both are genuine signatures of that key, and they are not the same bytes.
  expect(verifyDetached(type, payload, second, key.publicKey).ok).toBe(true);
  expect(toBase64Url(second)).not.toBe(first.sig);
  return JSON.stringify({ ...env, signatures: [first, { kid: first.kid, sig: toBase64Url(second) }] });
}

describe('one key signing twice with different nonces does not meet a threshold of two', () => {
  it('bundle: two valid, different signatures of one root key against a 2-of-2 root → BUNDLE_THRESHOLD_NOT_MET', () => {
    const twoOfTwo = anchorOf([root, root2], 2);
    const byOne = makeBundle(makeBundlePayload(), [root]);
    expect(code(verifyBundle(signedTwiceBy(byOne, 'bundle', root), twoOfTwo))).toBe('BUNDLE_THRESHOLD_NOT_MET');
    // Signed by both keys, it does meet it.
    expect(code(verifyBundle(makeBundle(makeBundlePayload(), [root, root2]), twoOfTwo))).toBe('ok');
  });

  it('root rotation: the old root’s 2-of-3 is not met by one key signing twice → ROOT_THRESHOLD_NOT_MET', () => {
    const next = seededKey(32);
    const current = { ...anchorOf([root, root2, seededKey(30)], 2), version: 1 };
    const doc: RootPayload = {
      type: 'singgah-root',
      version: 2,
      issuedAt: NOW,
      threshold: 1,
      keys: [{ kid: keyIdOf(next.publicKey), publicKey: toBase64Url(next.publicKey) }],
    };
    const byRootAndNext = JSON.parse(signRoot(doc, [root.secretKey, next.secretKey])) as BundleEnvelope;
    const twice = JSON.parse(signedTwiceBy(signRoot(doc, [root.secretKey]), 'root', root)) as BundleEnvelope;
    const forged = JSON.stringify({ ...byRootAndNext, signatures: [...twice.signatures, byRootAndNext.signatures[1]] });
    expect(code(verifyRootStep(current, forged))).toBe('ROOT_THRESHOLD_NOT_MET');
    expect(code(verifyRootStep(current, signRoot(doc, [root.secretKey, root2.secretKey, next.secretKey])))).toBe('ok');
  });
});
