/**
 * The exact edges of the signature and trust checks, written where mutation testing (`npm run mutation`,
 * docs/SECURITY.md "Mutation testing") showed that a check could be weakened or removed with every other
 * test still passing: each test here names the behaviour it pins, not the line it covers.
 */
import { describe, expect, it } from 'vitest';
import { acceptBundleUpdate, signBundle, verifyBundle } from '../../src/core/bundle';
import { toBase64Url, utf8 } from '../../src/core/bytes';
import { decodeCertificate } from '../../src/core/certificate';
import { isCanonicalPublicKey, keyIdOf, signDetached, verifyDetached } from '../../src/core/ed25519';
import type { Result } from '../../src/core/errors';
import { verifyNotice } from '../../src/core/notice';
import { bundlePayloadFrom } from '../../src/core/policy-file';
import { describeForeign, parseScanned, shcPasteOf } from '../../src/core/qr-link';
import { type RootPayload, signRoot, verifyRootStep, walkRootChain } from '../../src/core/root';
import { decodeSignedDigits, encodeSignedDigits, MAX_QR_TEXT, payloadBytes } from '../../src/core/signed-qr';
import { decodeVenue } from '../../src/core/venue';
import {
  anchor,
  certKey,
  defaultKeys,
  kaltimOffice,
  makeBundle,
  makeBundlePayload,
  NOW,
  noticesKey,
  policy,
  root,
  root2,
  seededKey,
  signCertificate,
  signVenue,
  vaccination,
} from '../support/authority';

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

  it('a newer bundle expiring at exactly `now` is already expired (freeze); one second later it is accepted', () => {
    const at = (expiresAt: number) => makeBundle(makeBundlePayload({ expiresAt }, 6));
    expect(code(acceptBundleUpdate(current, at(NOW), anchor, NOW))).toBe('BUNDLE_EXPIRED');
    expect(code(acceptBundleUpdate(current, at(NOW + 1), anchor, NOW))).toBe('ok');
  });
});

describe('bundle envelope encodings', () => {
  /** An envelope whose payload bytes are signed correctly by `root`, whatever they are. */
  const envelopeOf = (bytes: Uint8Array, payload = toBase64Url(bytes)) =>
    JSON.stringify({
      payload,
      signatures: [{ kid: keyIdOf(root.publicKey), sig: toBase64Url(signDetached('bundle', bytes, root.secretKey)) }],
    });

  it('a payload of base64url letters that decodes to no bytes (length 4n+1) is ENCODING_INVALID', () => {
    expect(code(verifyBundle(envelopeOf(utf8('{}'), 'e30AA'), anchor))).toBe('ENCODING_INVALID');
  });

  it('correctly signed bytes that are not UTF-8 are ENCODING_INVALID, never decoded with replacements', () => {
    expect(code(verifyBundle(envelopeOf(new Uint8Array([0x7b, 0xff, 0x7d])), anchor))).toBe('ENCODING_INVALID');
  });

  it('a policy file without revocations makes a bundle with empty revocation lists that verifies', () => {
    const payload = bundlePayloadFrom({ ...policy, revocations: undefined }, defaultKeys, 1, NOW);
    expect(payload.revocations).toEqual({ keys: [], certificates: [] });
    expect(code(verifyBundle(makeBundle(payload), anchor))).toBe('ok');
  });

  it("the policy file's regions reach the signed bundle", () => {
    const payload = bundlePayloadFrom({ ...policy, regions: ['64', '6471'] }, defaultKeys, 1, NOW);
    expect(payload.regions).toEqual(['64', '6471']);
    expect(code(verifyBundle(makeBundle(payload), anchor))).toBe('ok');
  });
});

describe('root chain', () => {
  it('an unreadable entry in the chain fails the walk with a code instead of being skipped', () => {
    const doc: RootPayload = {
      type: 'singgah-root',
      version: 2,
      issuedAt: NOW,
      threshold: 1,
      keys: [{ kid: keyIdOf(root2.publicKey), publicKey: toBase64Url(root2.publicKey) }],
    };
    const good = signRoot(doc, [root.secretKey, root2.secretKey]);
    expect(code(walkRootChain(anchor, [good]))).toBe('ok');
    for (const garbage of ['not json', '{"payload":"%%%"}', JSON.stringify({ payload: toBase64Url(utf8('[')) })]) {
      expect(code(walkRootChain(anchor, [good, garbage]))).not.toBe('ok');
    }
  });

  it('a new root listing a key that is not 32 bytes (stray bits in its last letter) is PUBLIC_KEY_INVALID', () => {
    const doc: RootPayload = {
      type: 'singgah-root',
      version: 2,
      issuedAt: NOW,
      threshold: 1,
      keys: [{ kid: keyIdOf(root2.publicKey), publicKey: `${'A'.repeat(42)}B` }],
    };
    expect(code(verifyRootStep(anchor, signRoot(doc, [root.secretKey])))).toBe('PUBLIC_KEY_INVALID');
  });

  it('an envelope the old root signed whose payload is no root document is refused with a payload code', () => {
    const notARoot = signRoot(makeBundlePayload({}, 2) as never, [root.secretKey]);
    expect(code(verifyRootStep(anchor, notARoot))).toMatch(/^PAYLOAD_/);
  });
});

describe('signed QR digits', () => {
  it(`reads at most ${MAX_QR_TEXT} digits: one more is INPUT_TOO_LARGE, exactly that many is decoded`, () => {
    expect(code(decodeVenue('0'.repeat(MAX_QR_TEXT + 1)))).toBe('INPUT_TOO_LARGE');
    expect(code(decodeSignedDigits('venue', '0'.repeat(MAX_QR_TEXT)))).not.toBe('INPUT_TOO_LARGE');
  });

  it('needs a payload of at least 3 bytes before the 64-byte signature: 2 bytes are ENCODING_INVALID', () => {
    const digitsOf = (text: string) => encodeSignedDigits('venue', utf8(text), seededKey(4).secretKey);
    expect(code(decodeSignedDigits('venue', digitsOf('[]')))).toBe('ENCODING_INVALID');
    const three = decodeSignedDigits('venue', digitsOf('[1]'));
    expect(three.ok && three.value.json).toEqual([1]);
  });

  it('a signed payload whose bytes are not UTF-8 is ENCODING_INVALID, and one that is no JSON is PAYLOAD_INVALID', () => {
    const signed = (bytes: number[]) =>
      decodeSignedDigits('venue', encodeSignedDigits('venue', new Uint8Array(bytes), seededKey(4).secretKey));
    expect(signed([0x5b, 0xff, 0x5d])).toMatchObject({
      ok: false,
      error: { code: 'ENCODING_INVALID', detail: 'payload is not UTF-8' },
    });
    expect(code(signed([0x5b, 0x31, 0x2c]))).toBe('PAYLOAD_INVALID');
  });
});

describe('certificate QR', () => {
  it('a certificate of format version 2 is FORMAT_VERSION_UNSUPPORTED (update the app), not a payload error', () => {
    const decoded = decodeCertificate(signCertificate(vaccination(2, 2, '2026-01-10')));
    if (!decoded.ok) throw new Error(decoded.error.code);
    const tuple = decoded.value.blob.json as unknown[];
    const v2 = encodeSignedDigits('certificate', payloadBytes([2, ...tuple.slice(1)]), certKey.secretKey);
    expect(code(decodeCertificate(v2))).toBe('FORMAT_VERSION_UNSUPPORTED');
  });
});

describe('notices', () => {
  it('a correctly signed notice payload that is not UTF-8 is NOTICE_INVALID (dropped), not a crash', () => {
    const bytes = new Uint8Array([0x5b, 0xff, 0x5d]);
    const wire = {
      seq: 1,
      payload: toBase64Url(bytes),
      sig: toBase64Url(signDetached('notices', bytes, noticesKey.secretKey)),
    };
    expect(code(verifyNotice(makeBundlePayload(), wire))).toBe('NOTICE_INVALID');
  });

  it('a notice payload of base64url letters that decodes to no bytes is NOTICE_INVALID', () => {
    const sig = toBase64Url(signDetached('notices', utf8('[]'), noticesKey.secretKey));
    expect(code(verifyNotice(makeBundlePayload(), { seq: 1, payload: 'AAAAA', sig }))).toBe('NOTICE_INVALID');
  });
});

const encodeVenueDigits = () => signVenue(kaltimOffice);

describe('scanned text', () => {
  const link = (kind: 'v' | 'c', digits: string) => `https://singgah.example/${kind}#${digits}`;

  it('a certificate link is classified as a certificate, a venue link as a venue, whitespace around ignored', () => {
    const cert = parseScanned(` ${link('c', signCertificate(vaccination(2, 2, '2026-01-10')))}\n`);
    expect(cert.ok && cert.value.kind).toBe('certificate');
    const venue = parseScanned(`${link('v', encodeVenueDigits())}\r\n`);
    expect(venue.ok && venue.value.kind).toBe('venue');
  });

  it(`any text over ${MAX_QR_TEXT} characters is INPUT_TOO_LARGE before it is matched; ${MAX_QR_TEXT} is read`, () => {
    expect(code(parseScanned('x'.repeat(MAX_QR_TEXT + 1)))).toBe('INPUT_TOO_LARGE');
    expect(code(parseScanned('x'.repeat(MAX_QR_TEXT)))).toBe('NOT_SINGGAH_CODE');
  });

  it('an HC1: text is read up to 4296 characters (a version-40 QR) and refused beyond', () => {
    const hc1 = (n: number) => `HC1:${'A'.repeat(n - 4)}`;
    const atCap = parseScanned(hc1(4296));
    expect(atCap.ok && atCap.value.kind).toBe('dcc');
    expect(code(parseScanned(hc1(4297)))).toBe('INPUT_TOO_LARGE');
  });

  it('a shc:/ text is read up to 7105 characters (a version-40 numeric QR and its prefix) and refused beyond', () => {
    const shc = (n: number) => `shc:/${'5'.repeat(n - 5)}`;
    const atCap = parseScanned(shc(7105));
    expect(atCap.ok && atCap.value.kind).toBe('shc');
    expect(code(parseScanned(shc(7106)))).toBe('INPUT_TOO_LARGE');
  });

  it('a pasted card is only card texts, at most 10, split on any white space and joined one per line', () => {
    const part = (i: number) => `shc:/${i}/10/5676`;
    expect(shcPasteOf(` ${part(1)} \n\t${part(2)}\r\n`)).toBe(`${part(1)}\n${part(2)}`);
    const ten = Array.from({ length: 10 }, (_, i) => part(i + 1));
    expect(shcPasteOf(ten.join(' '))).toBe(ten.join('\n'));
    expect(shcPasteOf([...ten, part(1)].join(' '))).toBeUndefined();
    expect(shcPasteOf(`${part(1)} hello`)).toBeUndefined();
    expect(shcPasteOf('hello')).toBeUndefined();
  });
});

describe('a foreign code shown to the person', () => {
  it('the preview never carries control, bidi or invisible characters, and is cut at 80', () => {
    const hostile = `\u202Egnp.exe\u0007\u2060 pay here${'x'.repeat(200)}`;
    const { preview } = describeForeign(hostile);
    for (const c of ['\u202E', '\u0007', '\u2060']) expect(preview).not.toContain(c);
    expect(preview.startsWith(' gnp.exe')).toBe(true);
    expect(preview).toHaveLength(80);
  });

  it("is a 'url' only when it starts with a scheme: a text that mentions one is 'text'", () => {
    expect(describeForeign('mailto://a@b.id').kind).toBe('url');
    expect(describeForeign('see https://example.com').kind).toBe('text');
  });
});
