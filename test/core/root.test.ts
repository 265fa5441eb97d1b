import { describe, expect, it } from 'vitest';
import { verifyBundle } from '../../src/core/bundle';
import { toBase64Url } from '../../src/core/bytes';
import { type KeyPair, keyIdOf } from '../../src/core/ed25519';
import type { Result } from '../../src/core/errors';
import { MAX_ROOT_CHAIN, type RootPayload, signRoot, verifyRootStep, walkRootChain } from '../../src/core/root';
import { anchor, anchorOf, makeBundle, makeBundlePayload, NOW, root, root2, seededKey } from '../support/authority';

const code = <T>(r: Result<T>) => (r.ok ? 'ok' : r.error.code);
const rootDoc = (version: number, keys: readonly KeyPair[], threshold = 1): RootPayload => ({
  type: 'singgah-root',
  version,
  issuedAt: NOW,
  threshold,
  keys: keys.map((k) => ({ kid: keyIdOf(k.publicKey), publicKey: toBase64Url(k.publicKey) })),
});
const sign = (doc: RootPayload, signers: readonly KeyPair[]) =>
  signRoot(
    doc,
    signers.map((k) => k.secretKey),
  );

const r3 = seededKey(30);
const r4 = seededKey(31);

describe('root rotation', () => {
  it('accepts root 2 signed by root 1 and by itself; bundles then follow the new root', () => {
    const step = verifyRootStep(anchor, sign(rootDoc(2, [root2]), [root, root2]));
    if (!step.ok) throw new Error(step.error.code);
    expect(step.value.version).toBe(2);
    const byNewRoot = makeBundle(makeBundlePayload(), [root2]);
    expect(code(verifyBundle(byNewRoot, step.value))).toBe('ok');
    expect(code(verifyBundle(byNewRoot, anchor))).toBe('BUNDLE_SIGNATURE_INVALID');
    expect(code(verifyBundle(makeBundle(), step.value))).toBe('BUNDLE_SIGNATURE_INVALID');
  });

  it('rejects a new root not signed by the old one', () => {
    expect(code(verifyRootStep(anchor, sign(rootDoc(2, [root2]), [root2])))).toBe('ROOT_SIGNATURE_INVALID');
  });

  it('rejects a new root its own keys did not sign', () => {
    expect(code(verifyRootStep(anchor, sign(rootDoc(2, [root2]), [root])))).toBe('ROOT_SIGNATURE_INVALID');
  });

  it('needs the old threshold of distinct keys, not repeated signatures', () => {
    const twoOfThree = { ...anchorOf([root, root2, r3], 2), version: 1 };
    const doc = rootDoc(2, [r4]);
    expect(code(verifyRootStep(twoOfThree, sign(doc, [root, r4])))).toBe('ROOT_THRESHOLD_NOT_MET');
    expect(code(verifyRootStep(twoOfThree, sign(doc, [root, root, r4])))).toBe('ROOT_THRESHOLD_NOT_MET');
    expect(code(verifyRootStep(twoOfThree, sign(doc, [root, r3, r4])))).toBe('ok');
  });

  it('needs the new threshold of its own keys too', () => {
    const doc = rootDoc(2, [root2, r3], 2);
    expect(code(verifyRootStep(anchor, sign(doc, [root, root2])))).toBe('ROOT_THRESHOLD_NOT_MET');
    expect(code(verifyRootStep(anchor, sign(doc, [root, root2, r3])))).toBe('ok');
  });

  it('refuses a threshold that its keys can never meet', () => {
    expect(code(verifyRootStep(anchor, sign(rootDoc(2, [root2], 2), [root, root2])))).toBe('ROOT_THRESHOLD_NOT_MET');
  });

  it('refuses skipped and repeated versions', () => {
    expect(code(verifyRootStep(anchor, sign(rootDoc(3, [root2]), [root, root2])))).toBe('ROOT_VERSION_GAP');
  });

  it('walks a chain in version order, skipping versions it already has', () => {
    const v2 = sign(rootDoc(2, [root2]), [root, root2]);
    const v3 = sign(rootDoc(3, [r3]), [root2, r3]);
    const v4 = sign(rootDoc(4, [r4]), [r3, r4]);
    const walked = walkRootChain(anchor, [v4, v2, v3]);
    if (!walked.ok) throw new Error(walked.error.code);
    expect([walked.value.anchor.version, walked.value.accepted]).toEqual([4, [v2, v3, v4]]);
    const again = walkRootChain(walked.value.anchor, [v2, v3, v4]);
    expect(again.ok && again.value.accepted).toEqual([]);
  });

  it('fails the whole walk on a broken link, so nothing from it is trusted', () => {
    const v2 = sign(rootDoc(2, [root2]), [root, root2]);
    const forgedV3 = sign(rootDoc(3, [r3]), [r3]);
    expect(code(walkRootChain(anchor, [v2, forgedV3]))).toBe('ROOT_SIGNATURE_INVALID');
    expect(code(walkRootChain(anchor, [v2, '{"not":"a root"}']))).toBe('PAYLOAD_WRONG_TYPE');
  });

  it(`caps the chain at ${MAX_ROOT_CHAIN} rotations`, () => {
    const keys = Array.from({ length: MAX_ROOT_CHAIN + 2 }, (_, i) => (i === 0 ? root : seededKey(100 + i)));
    const chain = keys.slice(1).map((k, i) => sign(rootDoc(i + 2, [k]), [keys[i], k]));
    expect(code(walkRootChain(anchor, chain))).toBe('ROOT_CHAIN_TOO_LONG');
    const capped = walkRootChain(anchor, chain.slice(0, MAX_ROOT_CHAIN));
    expect(capped.ok && capped.value.anchor.version).toBe(MAX_ROOT_CHAIN + 1);
  });
});

describe('root rotation: what is installed and what is said', () => {
  it('installs exactly the new root: its version, threshold and keys, nothing else', () => {
    const step = verifyRootStep(anchor, sign(rootDoc(2, [root2, r3], 2), [root, root2, r3]));
    expect(step).toEqual({
      ok: true,
      value: {
        version: 2,
        threshold: 2,
        keys: [root2, r3].map((k) => ({ kid: keyIdOf(k.publicKey), publicKey: k.publicKey })),
      },
    });
  });

  it('an impossible threshold is refused as such, even when the new keys did not sign at all', () => {
    const sameKeyTwice = rootDoc(2, [root2, root2], 2);
    expect(code(verifyRootStep(anchor, sign(sameKeyTwice, [root])))).toBe('ROOT_THRESHOLD_NOT_MET');
  });

  it('names the version that does not follow, and the length of a chain too long', () => {
    expect(verifyRootStep(anchor, sign(rootDoc(3, [root2]), [root, root2]))).toMatchObject({
      ok: false,
      error: { code: 'ROOT_VERSION_GAP', detail: '3' },
    });
    const keys = Array.from({ length: MAX_ROOT_CHAIN + 2 }, (_, i) => (i === 0 ? root : seededKey(100 + i)));
    const chain = keys.slice(1).map((k, i) => sign(rootDoc(i + 2, [k]), [keys[i], k]));
    expect(walkRootChain(anchor, chain)).toMatchObject({
      ok: false,
      error: { code: 'ROOT_CHAIN_TOO_LONG', detail: String(MAX_ROOT_CHAIN + 1) },
    });
  });

  it('an envelope whose version is not a whole number is never skipped as old: it fails the walk', () => {
    const v2 = sign(rootDoc(2, [root2]), [root, root2]);
    for (const version of [0.5, '1', null]) {
      const odd = sign({ ...rootDoc(3, [r3]), version } as never, [root2, r3]);
      expect(code(walkRootChain(anchor, [v2, odd])), String(version)).toMatch(/^PAYLOAD_/);
    }
  });
});
