import { describe, expect, it } from 'vitest';
import {
  acceptBundleUpdate,
  type BundleKey,
  type BundlePayload,
  MAX_BUNDLE_BYTES,
  type SignedObject,
  signBundle,
  verifyBundle,
  verifyWithBundleKey,
} from '../../src/core/bundle';
import { fromBase64Url, toBase64Url, utf8 } from '../../src/core/bytes';
import { contentIdOf, type KeyPair, keyIdOf, signDetached } from '../../src/core/ed25519';
import type { Result } from '../../src/core/errors';
import {
  anchor,
  anchorOf,
  bundleKey,
  DAY,
  makeBundle,
  makeBundlePayload,
  NOW,
  root,
  root2,
  seededKey,
  venueKey,
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

  it('"*" stands for every category, in an entry rule and in an occupancy limit', () => {
    const p = makeBundlePayload();
    const signed = (payload: BundlePayload) => code(verifyBundle(signBundle(payload, [root.secretKey]), anchor));
    const { id, description, logic } = p.statusRules[0];
    const rule = { id, categories: ['*'], validFrom: NOW - DAY, validTo: NOW + DAY, description, logic };
    expect(signed({ ...p, entryRules: [rule] })).toBe('ok');
    const limit = { categories: ['*'], regions: ['64'], percent: 50 };
    expect(signed({ ...p, policy: { ...p.policy, occupancyLimits: [limit] } })).toBe('ok');
  });

  it('minAppVersion is x.y.z of 1 to 4 digits each, and nothing else', () => {
    const p = makeBundlePayload();
    const withVersion = (minAppVersion: string) =>
      code(verifyBundle(signBundle({ ...p, minAppVersion }, [root.secretKey]), anchor));
    for (const ok of ['1.10.0', '12.0.0', '1.0.10', '1234.1234.1234']) expect(withVersion(ok), ok).toBe('ok');
    for (const bad of ['12345.0.0', '1.12345.0', '1.0.12345', 'v1.0.0', '1.0.0-rc', '1.0'])
      expect(withVersion(bad), bad).toBe('PAYLOAD_INVALID');
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

describe('bundle envelope: what counts as a signature', () => {
  const twoRoots = anchorOf([root, root2]);
  /** The last base64url letter with a stray low bit: 64 bytes whose text is no canonical encoding. */
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const stray = (sig: string) => sig.slice(0, -1) + alphabet[alphabet.indexOf(sig.at(-1) ?? 'A') | 1];

  it('reads a source of exactly the cap (then judges it); one character more is INPUT_TOO_LARGE', () => {
    expect(code(verifyBundle(' '.repeat(MAX_BUNDLE_BYTES), anchor))).toBe('PAYLOAD_INVALID');
  });

  it('does not count a valid signature filed under another key id', () => {
    const env = JSON.parse(makeBundle(makeBundlePayload(), [root]));
    const misfiled = { ...env, signatures: [{ ...env.signatures[0], kid: keyIdOf(root2.publicKey) }] };
    expect(code(verifyBundle(JSON.stringify(misfiled), twoRoots))).toBe('BUNDLE_SIGNATURE_INVALID');
  });

  it('skips a signature that is not canonical base64url and counts the others', () => {
    const env = JSON.parse(makeBundle(makeBundlePayload(), [root, root2]));
    const [first, second] = env.signatures;
    expect(fromBase64Url(stray(first.sig))).toBeUndefined();
    const oneBad = { ...env, signatures: [{ ...first, sig: stray(first.sig) }, second] };
    expect(code(verifyBundle(JSON.stringify(oneBad), twoRoots))).toBe('ok');
    const onlyBad = { ...env, signatures: [{ ...first, sig: stray(first.sig) }] };
    expect(code(verifyBundle(JSON.stringify(onlyBad), twoRoots))).toBe('BUNDLE_SIGNATURE_INVALID');
  });

  it('says which encoding failed: the payload text, its bytes as UTF-8, or the text as JSON', () => {
    const envelopeOf = (bytes: Uint8Array, payload = toBase64Url(bytes)) =>
      JSON.stringify({
        payload,
        signatures: [{ kid: keyIdOf(root.publicKey), sig: toBase64Url(signDetached('bundle', bytes, root.secretKey)) }],
      });
    expect(verifyBundle(envelopeOf(utf8('{}'), 'e30AA'), anchor)).toMatchObject({
      ok: false,
      error: { code: 'ENCODING_INVALID', detail: 'payload is not base64url' },
    });
    expect(verifyBundle(envelopeOf(new Uint8Array([0x7b, 0xff, 0x7d])), anchor)).toMatchObject({
      ok: false,
      error: { code: 'ENCODING_INVALID', detail: 'payload is not UTF-8' },
    });
    expect(verifyBundle(envelopeOf(utf8('{"type":')), anchor)).toMatchObject({
      ok: false,
      error: { code: 'PAYLOAD_INVALID', detail: 'not JSON' },
    });
  });

  it('says how many distinct keys signed out of how many are needed', () => {
    const r = verifyBundle(makeBundle(makeBundlePayload(), [root]), anchorOf([root, root2], 2));
    expect(r).toMatchObject({ ok: false, error: { code: 'BUNDLE_THRESHOLD_NOT_MET', detail: '1/2' } });
  });
});

describe('verifyWithBundleKey', () => {
  const bytes = utf8('[1,"KGKT0001"]');
  const signedBy = (k: KeyPair, over: Partial<SignedObject> = {}): SignedObject => ({
    type: 'venue',
    role: 'venue',
    kid: keyIdOf(k.publicKey),
    signedAt: NOW,
    payload: bytes,
    signature: signDetached('venue', bytes, k.secretKey),
    contentId: contentIdOf('venue', bytes),
    invalidSignature: 'VENUE_SIGNATURE_INVALID',
    ...over,
  });
  const withKeys = (...keys: BundleKey[]) => makeBundlePayload({ keys });
  const verify = (b: BundlePayload, o: SignedObject) => verifyWithBundleKey(b, o);

  it('names an unknown key id', () => {
    const stranger = seededKey(60);
    expect(verify(withKeys(bundleKey(venueKey, 'venue')), signedBy(stranger))).toMatchObject({
      ok: false,
      error: { code: 'KEY_UNKNOWN', detail: keyIdOf(stranger.publicKey) },
    });
  });

  it('tries every key sharing the id: an impostor listed first does not hide the real key', () => {
    const impostor = { ...bundleKey(seededKey(61), 'venue'), kid: keyIdOf(venueKey.publicKey) };
    const r = verify(withKeys(impostor, bundleKey(venueKey, 'venue')), signedBy(venueKey));
    expect(r.ok && r.value.publicKey).toBe(toBase64Url(venueKey.publicKey));
    expect(code(verify(withKeys(impostor), signedBy(venueKey)))).toBe('VENUE_SIGNATURE_INVALID');
  });

  it('a listed key whose text is not canonical base64url verifies nothing', () => {
    const real = bundleKey(venueKey, 'venue');
    const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = letters[letters.indexOf(real.publicKey.at(-1) ?? 'A') | 1];
    const bent = { ...real, publicKey: real.publicKey.slice(0, -1) + last };
    expect(fromBase64Url(bent.publicKey)).toBeUndefined();
    expect(code(verify(withKeys(bent), signedBy(venueKey)))).toBe('VENUE_SIGNATURE_INVALID');
  });

  it('checks the signing time against the key window, both ends included', () => {
    const b = withKeys(bundleKey(venueKey, 'venue', NOW - DAY, NOW + DAY));
    expect(code(verify(b, signedBy(venueKey, { signedAt: NOW - DAY })))).toBe('ok');
    expect(code(verify(b, signedBy(venueKey, { signedAt: NOW + DAY })))).toBe('ok');
    expect(code(verify(b, signedBy(venueKey, { signedAt: NOW - DAY - 1 })))).toBe('KEY_NOT_VALID_NOW');
    expect(code(verify(b, signedBy(venueKey, { signedAt: NOW + DAY + 1 })))).toBe('KEY_NOT_VALID_NOW');
  });

  it('says which role the key has when it is the wrong one, and refuses a revoked key first', () => {
    const b = withKeys(bundleKey(venueKey, 'certificate'));
    expect(verify(b, signedBy(venueKey))).toMatchObject({
      ok: false,
      error: { code: 'KEY_WRONG_ROLE', detail: `${keyIdOf(venueKey.publicKey)} is certificate` },
    });
    const revoked = { ...b, revocations: { keys: [keyIdOf(venueKey.publicKey)], certificates: [] } };
    expect(code(verify(revoked, signedBy(venueKey)))).toBe('KEY_REVOKED');
  });

  it('says when the key ends if the object outlives it', () => {
    const b = withKeys(bundleKey(venueKey, 'venue', NOW - DAY, NOW + DAY));
    expect(code(verify(b, signedBy(venueKey, { validUntil: NOW + DAY })))).toBe('ok');
    expect(verify(b, signedBy(venueKey, { validUntil: NOW + DAY + 1 }))).toMatchObject({
      ok: false,
      error: { code: 'CERTIFICATE_OUTLIVES_KEY', detail: `${keyIdOf(venueKey.publicKey)} is valid to ${NOW + DAY}` },
    });
  });

  it('a forged signature over a payload already verified is still refused, whatever was remembered', () => {
    const b = withKeys(bundleKey(venueKey, 'venue'));
    const good = signedBy(venueKey);
    expect(code(verify(b, good))).toBe('ok');
    const forged = { ...good, signature: signDetached('venue', bytes, seededKey(62).secretKey) };
    expect(code(verify(b, forged))).toBe('VENUE_SIGNATURE_INVALID');
    expect(code(verify(b, good))).toBe('ok');
  });
});
