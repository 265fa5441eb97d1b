import { describe, expect, it } from 'vitest';
import { acceptBundleUpdate, MAX_BUNDLE_BYTES, signBundle, verifyBundle } from '../../src/core/bundle';
import { fromBase64Url, toBase64Url } from '../../src/core/bytes';
import type { Result } from '../../src/core/errors';
import {
  anchor,
  anchorOf,
  DAY,
  makeBundle,
  makeBundlePayload,
  NOW,
  root,
  root2,
  seededKey,
} from '../support/authority';
import { signedBundleWithDeepLogic } from '../support/fuzz';

const code = <T>(r: Result<T>) => (r.ok ? 'ok' : r.error.code);

describe('bundle verification', () => {
  it('accepts a bundle signed by the pinned root', () => {
    const r = verifyBundle(makeBundle(), anchor);
    expect(r.ok && r.value.payload.version).toBe(1);
  });

  it('rejects any changed payload byte', () => {
    const env = JSON.parse(makeBundle());
    const bytes = fromBase64Url(env.payload) as Uint8Array;
    for (let i = 0; i < bytes.length; i += 7) {
      const t = bytes.slice();
      t[i] ^= 0x20;
      const r = verifyBundle(JSON.stringify({ ...env, payload: toBase64Url(t) }), anchor);
      expect(code(r)).toBe('BUNDLE_SIGNATURE_INVALID');
    }
  });

  it('rejects a bundle signed by a key that is not pinned', () => {
    expect(code(verifyBundle(makeBundle(makeBundlePayload(), [seededKey(50)]), anchor))).toBe(
      'BUNDLE_SIGNATURE_INVALID',
    );
  });

  it('counts distinct keys toward the threshold, never signature entries (GHSA-3633-5h82-39pq)', () => {
    const twoOfTwo = anchorOf([root, root2], 2);
    expect(code(verifyBundle(makeBundle(makeBundlePayload(), [root, root2]), twoOfTwo))).toBe('ok');
    const env = JSON.parse(makeBundle(makeBundlePayload(), [root]));
    const duplicated = JSON.stringify({ ...env, signatures: [env.signatures[0], env.signatures[0]] });
    expect(code(verifyBundle(duplicated, twoOfTwo))).toBe('BUNDLE_THRESHOLD_NOT_MET');
    // The same key listed twice in the anchor still counts once.
    const sameKeyTwice = anchorOf([root, root], 2);
    expect(code(verifyBundle(makeBundle(makeBundlePayload(), [root, root]), sameKeyTwice))).toBe(
      'BUNDLE_THRESHOLD_NOT_MET',
    );
  });

  it('caps size before parsing and rejects unknown fields and bad rules', () => {
    expect(code(verifyBundle(' '.repeat(MAX_BUNDLE_BYTES + 1), anchor))).toBe('INPUT_TOO_LARGE');
    expect(code(verifyBundle('{', anchor))).toBe('PAYLOAD_INVALID');
    const extra = { ...makeBundlePayload(), surprise: true };
    expect(code(verifyBundle(signBundle(extra as never, [root.secretKey]), anchor))).toBe('PAYLOAD_UNKNOWN_FIELD');
    const p = makeBundlePayload();
    const badLogic = { ...p, statusRules: [{ ...p.statusRules[0], logic: { eval: ['alert(1)'] } }] };
    expect(code(verifyBundle(signBundle(badLogic, [root.secretKey]), anchor))).toBe('PAYLOAD_INVALID');
    // Signed logic nested 5,000 deep (~60 KB) must be an error value, not a stack overflow.
    expect(code(verifyBundle(signedBundleWithDeepLogic(5000), anchor))).toBe('PAYLOAD_INVALID');
    const demoDepthOk = { ...p, statusRules: [{ ...p.statusRules[0], logic: { '!': [{ '!': [true] }] } }] };
    expect(code(verifyBundle(signBundle(demoDepthOk, [root.secretKey]), anchor))).toBe('ok');
  });

  it('policy: optional maxStayMinutes (1–1440) and occupancyLimits (categories, regions, whole percent 1–100)', () => {
    const p = makeBundlePayload();
    const withPolicy = (policy: Record<string, unknown>) =>
      code(verifyBundle(signBundle({ ...p, policy: { ...p.policy, ...policy } } as never, [root.secretKey]), anchor));
    const limit = { categories: ['gov'], regions: ['*'], percent: 50 };
    expect(withPolicy({ maxStayMinutes: 720, occupancyLimits: [limit, { ...limit, regions: ['64', '3374'] }] })).toBe(
      'ok',
    );
    expect(withPolicy({ maxStayMinutes: 1441 })).not.toBe('ok');
    expect(withPolicy({ maxStayMinutes: 0 })).not.toBe('ok');
    for (const percent of [0, 101, 50.5])
      expect(withPolicy({ occupancyLimits: [{ ...limit, percent }] })).not.toBe('ok');
    expect(withPolicy({ occupancyLimits: [{ ...limit, regions: [] }] })).not.toBe('ok');
    expect(withPolicy({ occupancyLimits: [{ ...limit, regions: ['6'] }] })).not.toBe('ok');
    expect(withPolicy({ occupancyLimits: [{ ...limit, share: 0.5 }] })).toBe('PAYLOAD_UNKNOWN_FIELD');
  });
});

describe('bundle updates', () => {
  const v = (version: number, issuedAt = NOW - DAY) => makeBundle(makeBundlePayload({}, version, issuedAt));
  const current = (() => {
    const r = verifyBundle(v(5), anchor);
    if (!r.ok) throw new Error(r.error.code);
    return r.value;
  })();

  it('accepts a higher version', () => {
    const r = acceptBundleUpdate(current, v(6), anchor, NOW);
    expect(r.ok && r.value.kind).toBe('accepted');
  });
  it('rejects a lower version as rollback', () => {
    expect(code(acceptBundleUpdate(current, v(4), anchor, NOW))).toBe('BUNDLE_ROLLBACK');
  });
  it('treats an equal version as a quiet no-op', () => {
    const r = acceptBundleUpdate(current, v(5), anchor, NOW);
    expect(r.ok && r.value.kind).toBe('unchanged');
  });
  it('rejects a download that has already expired (freeze)', () => {
    expect(code(acceptBundleUpdate(current, v(7, NOW - 40 * DAY), anchor, NOW))).toBe('BUNDLE_EXPIRED');
  });
});
