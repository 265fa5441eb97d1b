/**
 * The sealed case report (core case-seal.ts): what the phone seals opens only with the health office's secret key,
 * any change to it is refused, every upload is sealed afresh, and the ciphertext is one size whatever it holds.
 */
import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from '../../src/core/bytes';
import {
  CASE_BOX_BYTES,
  type CaseReport,
  casePublicKeyOf,
  MAX_CASE_VISITS,
  openCase,
  parseSealedCase,
  type SealedCase,
  sealCase,
} from '../../src/core/case-seal';

const T = 1_764_000_000;
const office = nacl.box.keyPair.fromSecretKey(new Uint8Array(32).fill(7));
const recipient = { kid: 'ab12', publicKey: office.publicKey };
const report: CaseReport = {
  code: '7K3QM9TX2HRW',
  visits: [
    { venueId: 'DKT0KTA1', from: T - 7200, to: T - 3600 },
    { venueId: 'EMCRDJY5', from: T - 90_000, to: T - 86_400 },
  ],
};
const fresh = (seed: number) => ({
  ephemeralSecretKey: new Uint8Array(32).fill(seed),
  nonce: new Uint8Array(24).fill(seed + 1),
});

function seal(r: CaseReport = report, seed = 1): SealedCase {
  const sealed = sealCase(r, recipient, fresh(seed));
  if (!sealed.ok) throw new Error(sealed.error.code);
  return sealed.value;
}

/** `sealed` with one bit of field `field` flipped at byte `at`. */
function flipped(sealed: SealedCase, field: 'box' | 'nonce' | 'epk', at: number): SealedCase {
  const bytes = fromBase64Url(sealed[field]) ?? new Uint8Array();
  bytes[at] ^= 0x01;
  return { ...sealed, [field]: toBase64Url(bytes) };
}

describe('sealCase / openCase', () => {
  it('opens with the office secret key to exactly the report sealed', () => {
    const opened = openCase(seal(), office.secretKey);
    expect(opened).toEqual({ ok: true, value: report });
    expect(casePublicKeyOf(office.secretKey)).toEqual(office.publicKey);
  });

  it('hides the visits: no venue id, time or code in the sealed form', () => {
    const text = JSON.stringify(seal());
    for (const needle of ['DKT0KTA1', 'EMCRDJY5', String(T - 7200), '7K3QM9TX2HRW']) expect(text).not.toContain(needle);
  });

  it('refuses a box altered anywhere (first, middle, tag, last byte), and an altered nonce or ephemeral key', () => {
    const sealed = seal();
    for (const at of [0, 15, 16, 4000, CASE_BOX_BYTES - 1]) {
      expect(openCase(flipped(sealed, 'box', at), office.secretKey), `box byte ${at}`).toMatchObject({
        ok: false,
        error: { code: 'CASE_SEAL_INVALID' },
      });
    }
    expect(openCase(flipped(sealed, 'nonce', 3), office.secretKey)).toMatchObject({
      error: { code: 'CASE_SEAL_INVALID' },
    });
    expect(openCase(flipped(sealed, 'epk', 9), office.secretKey)).toMatchObject({
      error: { code: 'CASE_SEAL_INVALID' },
    });
  });

  it('does not open with another key (another office, or the ephemeral side guessed wrong)', () => {
    const other = nacl.box.keyPair.fromSecretKey(new Uint8Array(32).fill(9));
    expect(openCase(seal(), other.secretKey)).toMatchObject({ ok: false, error: { code: 'CASE_SEAL_INVALID' } });
    // Sealed to another office's key: this office cannot open it.
    const elsewhere = sealCase(report, { kid: 'cd34', publicKey: other.publicKey }, fresh(1));
    expect(elsewhere.ok && openCase(elsewhere.value, office.secretKey)).toMatchObject({
      ok: false,
      error: { code: 'CASE_SEAL_INVALID' },
    });
  });

  it('a replayed blob opens to the same report, bound to its code: the server and review refuse it by digest and code', () => {
    const sealed = seal();
    const again = openCase(JSON.parse(JSON.stringify(sealed)), office.secretKey);
    // Opening is deterministic: a replay cannot be told apart by opening it. The code inside is what ties it to
    // the one code it was sent with (server/case-review.ts), and its ciphertext digest to one stored row.
    expect(again.ok && again.value.code).toBe(report.code);
  });

  it('every upload is sealed afresh: a new ephemeral key and nonce give a different ciphertext of the same report', () => {
    const a = seal(report, 1);
    const b = seal(report, 3);
    expect(a.epk).not.toBe(b.epk);
    expect(a.nonce).not.toBe(b.nonce);
    expect(a.box).not.toBe(b.box);
    expect(openCase(b, office.secretKey)).toEqual({ ok: true, value: report });
  });

  it(`is one size whatever it holds: no visit and ${MAX_CASE_VISITS} visits with 40-character venue ids`, () => {
    const longest: CaseReport = {
      code: report.code,
      visits: Array.from({ length: MAX_CASE_VISITS }, (_, i) => ({
        venueId: `V${'x'.repeat(38)}${i % 10}`,
        from: 4_000_000_000 + i,
        to: 4_000_099_999 + i,
      })),
    };
    const sizes = [seal({ code: report.code, visits: [] }), seal(longest)].map((s) => fromBase64Url(s.box)?.length);
    expect(sizes).toEqual([CASE_BOX_BYTES, CASE_BOX_BYTES]);
    expect(openCase(seal(longest), office.secretKey)).toEqual({ ok: true, value: longest });
  });

  it(`refuses to seal more than ${MAX_CASE_VISITS} visits, a malformed code or a bad venue id`, () => {
    const visit = report.visits[0];
    const tooMany = { code: report.code, visits: Array.from({ length: MAX_CASE_VISITS + 1 }, () => visit) };
    expect(sealCase(tooMany, recipient, fresh(1)).ok).toBe(false);
    expect(sealCase({ ...report, code: '7K3Q-M9TX-2HRW' }, recipient, fresh(1)).ok).toBe(false);
    // A valid code with one more character before or after it is not the code the office issued.
    for (const code of [`0${report.code}`, `${report.code}0`])
      expect(sealCase({ ...report, code }, recipient, fresh(1))).toMatchObject({
        ok: false,
        error: { code: 'PAYLOAD_INVALID' },
      });
    expect(sealCase({ ...report, visits: [{ ...visit, venueId: 'a b' }] }, recipient, fresh(1)).ok).toBe(false);
    expect(sealCase(report, { ...recipient, publicKey: new Uint8Array(31) }, fresh(1)).ok).toBe(false);
    // Randomness of the wrong size is refused with a code; tweetnacl would throw on it.
    for (const random of [
      { ...fresh(1), ephemeralSecretKey: new Uint8Array(31) },
      { ...fresh(1), nonce: new Uint8Array(23) },
    ]) {
      expect(sealCase(report, recipient, random)).toMatchObject({
        ok: false,
        error: { code: 'PUBLIC_KEY_INVALID', detail: 'key or nonce of the wrong length' },
      });
    }
  });

  it('a well-sealed plaintext that is not a v1 report is refused after opening', () => {
    const eph = nacl.box.keyPair.fromSecretKey(new Uint8Array(32).fill(5));
    const nonce = new Uint8Array(24).fill(6);
    const plain = new Uint8Array(CASE_BOX_BYTES - 16).fill(0x20);
    plain.set(new TextEncoder().encode('{"type":"singgah-case","v":1,"code":"7K3QM9TX2HRW","visits":[],"x":1}'));
    const forged = {
      v: 1,
      kid: 'ab12',
      epk: toBase64Url(eph.publicKey),
      nonce: toBase64Url(nonce),
      box: toBase64Url(nacl.box(plain, nonce, office.publicKey, eph.secretKey)),
    };
    expect(openCase(forged, office.secretKey)).toMatchObject({ ok: false, error: { code: 'PAYLOAD_UNKNOWN_FIELD' } });
  });

  it('parseSealedCase: exact field set and sizes', () => {
    const sealed = seal();
    expect(parseSealedCase(sealed).ok).toBe(true);
    for (const bad of [
      { ...sealed, v: 2 },
      { ...sealed, box: sealed.box.slice(1) },
      { ...sealed, nonce: `${sealed.nonce}A` },
      { ...sealed, kid: 'AB12' },
      { ...sealed, extra: 1 },
      'sealed',
    ]) {
      expect(parseSealedCase(bad).ok).toBe(false);
    }
  });

  it('opens nothing that is not a sealed report: the shape is checked first, with its code', () => {
    expect(openCase({ ...seal(), v: 2 }, office.secretKey)).toMatchObject({ ok: false });
    expect(openCase('sealed', office.secretKey)).toMatchObject({ ok: false, error: { code: 'PAYLOAD_WRONG_TYPE' } });
  });

  it('refuses, each with its code, an ephemeral key with non-zero padding bits, a wrong-length secret key and plaintext that is not UTF-8', () => {
    const sealed = seal();
    // 32 bytes are 43 base64url letters carrying 2 unused bits: the schema's letters-only check passes them.
    const last = sealed.epk.at(-1) ?? 'A';
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const padded = { ...sealed, epk: sealed.epk.slice(0, -1) + alphabet[alphabet.indexOf(last) | 1] };
    expect(parseSealedCase(padded).ok).toBe(true);
    expect(openCase(padded, office.secretKey)).toMatchObject({
      ok: false,
      error: { code: 'ENCODING_INVALID', detail: 'not base64url' },
    });
    expect(openCase(sealed, office.secretKey.subarray(0, 31))).toMatchObject({
      ok: false,
      error: { code: 'PUBLIC_KEY_INVALID', detail: 'secret key length' },
    });
    const eph = nacl.box.keyPair.fromSecretKey(new Uint8Array(32).fill(5));
    const nonce = new Uint8Array(24).fill(6);
    const plain = new Uint8Array(CASE_BOX_BYTES - 16).fill(0x20);
    plain.set([0x7b, 0xff, 0xfe, 0x7d]);
    const notText = {
      v: 1,
      kid: 'ab12',
      epk: toBase64Url(eph.publicKey),
      nonce: toBase64Url(nonce),
      box: toBase64Url(nacl.box(plain, nonce, office.publicKey, eph.secretKey)),
    };
    expect(openCase(notText, office.secretKey)).toMatchObject({
      ok: false,
      error: { code: 'ENCODING_INVALID', detail: 'plaintext is not UTF-8' },
    });
    plain.set([0x7b, 0x20, 0x20, 0x20]);
    const notJson = { ...notText, box: toBase64Url(nacl.box(plain, nonce, office.publicKey, eph.secretKey)) };
    expect(openCase(notJson, office.secretKey)).toMatchObject({ ok: false, error: { code: 'PAYLOAD_INVALID' } });
  });
});
