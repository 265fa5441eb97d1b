/**
 * The exact edges of the signature and trust checks, written where mutation testing (`npm run mutation`,
 * docs/SECURITY.md "Mutation testing") showed that a check could be weakened or removed with every other
 * test still passing: each test here names the behaviour it pins, not the line it covers.
 */
import { describe, expect, it } from 'vitest';
import { acceptBundleUpdate, signBundle, verifyBundle } from '../../src/core/bundle';
import { isCanonicalPublicKey, signDetached, verifyDetached } from '../../src/core/ed25519';
import type { Result } from '../../src/core/errors';
import { anchor, makeBundle, makeBundlePayload, NOW, root, seededKey } from '../support/authority';

const code = <T>(r: Result<T>) => (r.ok ? 'ok' : r.error.code);
const key = seededKey(9);
const payload = new TextEncoder().encode('[1,"x"]');

describe('Ed25519 public keys', () => {
  it('a key of 31 or 33 bytes is not canonical and verifies nothing', () => {
    const sig = signDetached('venue', payload, key.secretKey);
    for (const bad of [key.publicKey.subarray(0, 31), new Uint8Array([...key.publicKey, 0])]) {
      expect(isCanonicalPublicKey(bad)).toBe(false);
      expect(code(verifyDetached('venue', payload, sig, bad))).toBe('PUBLIC_KEY_INVALID');
    }
  });
});

describe('bundle updates', () => {
  const current = (() => {
    const r = verifyBundle(makeBundle(makeBundlePayload({}, 5)), anchor);
    if (!r.ok) throw new Error(r.error.code);
    return r.value;
  })();

  it('a download that fails verification is refused with its code, never read for its version', () => {
    const forged = signBundle(makeBundlePayload({}, 6), [seededKey(50).secretKey]);
    expect(code(acceptBundleUpdate(current, forged, anchor, NOW))).toBe('BUNDLE_SIGNATURE_INVALID');
    expect(code(acceptBundleUpdate(undefined, '{', anchor, NOW))).toBe('PAYLOAD_INVALID');
    expect(code(acceptBundleUpdate(current, makeBundle(makeBundlePayload({}, 6), [root]), anchor, NOW))).toBe('ok');
  });
});
