/** Venue and certificate QR codes: round trips, tampering, type confusion, key roles and windows. */
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import type { BundlePayload } from '../../src/core/bundle';
import { fromQrDigits, toQrDigits } from '../../src/core/bytes';
import { decodeCertificate, holderKey, verifyCertificate } from '../../src/core/certificate';
import type { Result } from '../../src/core/errors';
import { parseScanned, qrText, venueLink } from '../../src/core/qr-link';
import { encodeSignedDigits, payloadBytes } from '../../src/core/signed-qr';
import { decodeVenue, encodeVenue, venueToTuple, verifyVenue } from '../../src/core/venue';
import {
  bundleKey,
  certKey,
  DAY,
  kaltimOffice,
  makeBundlePayload,
  NOW,
  pcr,
  recovery,
  seededKey,
  semarangMosque,
  signCertificate,
  signVenue,
  vaccination,
  venueKey,
} from '../support/authority';

const bundle = makeBundlePayload();
const code = <T>(r: Result<T>) => (r.ok ? 'ok' : r.error.code);

function verifyVenueCode(digits: string, b: BundlePayload = bundle) {
  const d = decodeVenue(digits);
  return d.ok ? verifyVenue(d.value, b) : d;
}
function verifyCertCode(digits: string, b: BundlePayload = bundle, now = NOW) {
  const d = decodeCertificate(digits);
  return d.ok ? verifyCertificate(d.value, b, now) : d;
}

/** Every single-byte change of the signed bytes, at a spread of positions. */
function* tamperings(digits: string) {
  const bytes = fromQrDigits(digits) as Uint8Array;
  for (let i = 0; i < bytes.length; i++) {
    const t = bytes.slice();
    t[i] ^= 1 << (i % 8);
    yield toQrDigits(t);
  }
}

describe('venue QR', () => {
  it('round-trips and verifies', () => {
    const d = decodeVenue(signVenue(kaltimOffice));
    expect(d.ok && d.value.venue).toEqual(kaltimOffice);
    expect(code(verifyVenueCode(signVenue(semarangMosque)))).toBe('ok');
  });

  it('fits a QR of version ≤ 10 at error correction M for a typical venue', () => {
    const url = qrText(venueLink('https://singgah.kemkes.go.id', signVenue(kaltimOffice)));
    expect(QRCode.create(url, { errorCorrectionLevel: 'M' }).version).toBeLessThanOrEqual(10);
    const local = qrText(venueLink('http://localhost:8080', signVenue(semarangMosque)));
    expect(QRCode.create(local, { errorCorrectionLevel: 'M' }).version).toBeLessThanOrEqual(10);
  });

  it('rejects every tampered byte with a code', () => {
    let n = 0;
    for (const t of tamperings(signVenue(kaltimOffice))) {
      const r = verifyVenueCode(t);
      expect(r.ok).toBe(false);
      n++;
    }
    expect(n).toBeGreaterThan(150);
  });

  it('rejects a venue signature presented as a certificate, and vice versa', () => {
    const venueDigits = signVenue(kaltimOffice);
    expect(code(parseScanned(`https://x/c#${venueDigits}`))).toBe('PAYLOAD_INVALID');
    // Same bytes, signed as a venue, wrapped as a certificate payload: the signature cannot match.
    const cert = vaccination(2, 2, '2026-01-01');
    const certAsVenue = encodeSignedDigits('venue', payloadBytes(JSON.parse(certPayload(cert))), certKey.secretKey);
    expect(code(verifyCertCode(certAsVenue))).toBe('CERTIFICATE_SIGNATURE_INVALID');
  });

  it('enforces key role, window, revocation and unknown keys', () => {
    // Signed by the certificate key but claiming that key: role mismatch.
    const byCertKey = encodeVenue({ ...kaltimOffice, kid: bundleKey(certKey, 'certificate').kid }, certKey.secretKey);
    expect(code(verifyVenueCode(byCertKey))).toBe('KEY_WRONG_ROLE');
    const stranger = seededKey(77);
    const byStranger = encodeVenue({ ...kaltimOffice, kid: bundleKey(stranger, 'venue').kid }, stranger.secretKey);
    expect(code(verifyVenueCode(byStranger))).toBe('KEY_UNKNOWN');
    // Signed by a stranger but claiming the real venue key id: the signature fails.
    expect(code(verifyVenueCode(encodeVenue(kaltimOffice, stranger.secretKey)))).toBe('VENUE_SIGNATURE_INVALID');
    const kid = bundleKey(venueKey, 'venue').kid;
    const revoked = makeBundlePayload({ revocations: { keys: [kid], certificates: [] } });
    expect(code(verifyVenueCode(signVenue(kaltimOffice), revoked))).toBe('KEY_REVOKED');
    const windowed = makeBundlePayload({
      keys: [bundleKey(venueKey, 'venue', NOW - 10 * DAY, NOW + DAY), bundleKey(certKey, 'certificate')],
    });
    expect(code(verifyVenueCode(signVenue(kaltimOffice), windowed))).toBe('KEY_NOT_VALID_NOW');
  });

  it('rejects hostile and out-of-range fields', () => {
    const cases: [string, unknown[], string][] = [
      ['bidi override', [...venueToTuple({ ...kaltimOffice, name: 'Kantor \u202eevil' })], 'TEXT_CHARACTER_REFUSED'],
      ['newline', [...venueToTuple({ ...kaltimOffice, address: 'a\nb' })], 'TEXT_CHARACTER_REFUSED'],
      [
        'zero-width space',
        [...venueToTuple({ ...kaltimOffice, name: 'Kantor\u200bGubernur' })],
        'TEXT_CHARACTER_REFUSED',
      ],
      ['right-to-left mark', [...venueToTuple({ ...kaltimOffice, name: 'Kantor \u200f' })], 'TEXT_CHARACTER_REFUSED'],
      ['line separator', [...venueToTuple({ ...kaltimOffice, address: 'a\u2028b' })], 'TEXT_CHARACTER_REFUSED'],
      ['tag character', [...venueToTuple({ ...kaltimOffice, name: 'Kantor \u{e0041}' })], 'TEXT_CHARACTER_REFUSED'],
      ['Arabic letters are fine', [...venueToTuple({ ...kaltimOffice, name: 'مسجد Agung' })], 'ok'],
      ['too long', [...venueToTuple({ ...kaltimOffice, name: 'x'.repeat(101) })], 'PAYLOAD_TOO_LONG'],
      ['extra item', [...venueToTuple(kaltimOffice), 'x'], 'PAYLOAD_UNKNOWN_FIELD'],
      ['time in ms', [...venueToTuple({ ...kaltimOffice, issuedAt: NOW * 1000 })], 'PAYLOAD_OUT_OF_RANGE'],
      [
        'capacity as text',
        [...venueToTuple({ ...kaltimOffice, capacity: '400' as unknown as number })],
        'PAYLOAD_WRONG_TYPE',
      ],
      ['region', [...venueToTuple({ ...kaltimOffice, region: '064' })], 'PAYLOAD_INVALID'],
      ['version', [2, ...venueToTuple(kaltimOffice).slice(1)], 'FORMAT_VERSION_UNSUPPORTED'],
    ];
    // Not an array at all: a payload error, not a newer format to update the app for.
    for (const notATuple of [{ 0: 1 }, 123, 'venue']) {
      const digits = encodeSignedDigits('venue', payloadBytes(notATuple), venueKey.secretKey);
      expect(code(decodeVenue(digits))).toBe('PAYLOAD_WRONG_TYPE');
      const asCertificate = encodeSignedDigits('certificate', payloadBytes(notATuple), certKey.secretKey);
      expect(code(decodeCertificate(asCertificate))).toBe('PAYLOAD_INVALID');
    }
    for (const [name, tuple, expected] of cases) {
      const digits = encodeSignedDigits('venue', payloadBytes(tuple), venueKey.secretKey);
      expect([name, code(decodeVenue(digits))]).toEqual([name, expected]);
    }
  });
});

function certPayload(c: ReturnType<typeof vaccination>): string {
  const d = decodeCertificate(signCertificate(c));
  if (!d.ok) throw new Error(d.error.code);
  return new TextDecoder().decode(d.value.blob.payload);
}

describe('verification cache', () => {
  it('never lets a cached success vouch for another signature over the same payload', () => {
    const b = makeBundlePayload();
    const good = signVenue(kaltimOffice);
    expect(code(verifyVenueCode(good, b))).toBe('ok');
    const bytes = fromQrDigits(good) as Uint8Array;
    bytes[bytes.length - 1] ^= 0x40; // same payload, different signature
    expect(code(verifyVenueCode(toQrDigits(bytes), b))).toBe('VENUE_SIGNATURE_INVALID');
    expect(code(verifyVenueCode(good, b))).toBe('ok');
  });
  it('checks time-dependent validity at every call even when the signature is cached', () => {
    const c = vaccination(2, 2, '2026-06-01');
    expect(code(verifyCertCode(signCertificate(c), bundle, NOW))).toBe('ok');
    expect(code(verifyCertCode(signCertificate(c), bundle, c.expiresAt))).toBe('CERTIFICATE_EXPIRED');
  });
});

describe('certificate QR', () => {
  const samples = [vaccination(2, 2, '2026-06-01'), pcr('neg', NOW - 3600, '3374'), recovery('2026-09-01')];

  it('round-trips every kind and verifies', () => {
    for (const c of samples) {
      const d = decodeCertificate(signCertificate(c));
      expect(d.ok && d.value.certificate).toEqual(c);
      expect(code(verifyCertCode(signCertificate(c)))).toBe('ok');
    }
  });

  it('rejects every tampered byte', () => {
    for (const c of samples) for (const t of tamperings(signCertificate(c))) expect(verifyCertCode(t).ok).toBe(false);
  });

  it('rejects revoked, expired, not yet valid and wrong-role certificates', () => {
    const c = samples[0];
    const revoked = makeBundlePayload({ revocations: { keys: [], certificates: [c.id] } });
    expect(code(verifyCertCode(signCertificate(c), revoked))).toBe('CERTIFICATE_REVOKED');
    expect(code(verifyCertCode(signCertificate(c), bundle, c.expiresAt))).toBe('CERTIFICATE_EXPIRED');
    expect(code(verifyCertCode(signCertificate(c), bundle, c.issuedAt - 1))).toBe('CERTIFICATE_NOT_YET_VALID');
    const byVenueKey = signCertificate({ ...c, kid: bundleKey(venueKey, 'venue').kid }, venueKey);
    expect(code(verifyCertCode(byVenueKey))).toBe('KEY_WRONG_ROLE');
  });

  it('rejects a dose beyond the series, an impossible date and out-of-range dates', () => {
    expect(code(decodeCertificate(signCertificate(vaccination(3, 2, '2026-06-01'))))).toBe('PAYLOAD_INVALID');
    expect(code(decodeCertificate(signCertificate(vaccination(1, 2, '2026-02-30'))))).toBe('PAYLOAD_INVALID');
    expect(code(decodeCertificate(signCertificate(vaccination(1, 2, '1899-12-31'))))).toBe('PAYLOAD_OUT_OF_RANGE');
    expect(code(decodeCertificate(signCertificate(vaccination(1, 2, '2101-01-01'))))).toBe('PAYLOAD_OUT_OF_RANGE');
  });

  it('says why a certificate is refused: unknown kind, dose, order of times, lifetime over the cap', () => {
    const refusal = (r: Result<unknown>) => (r.ok ? 'ok' : `${r.error.code} ${r.error.detail}`);
    expect(refusal(parseScanned(`https://x/c#${signVenue(kaltimOffice)}`))).toBe(
      'PAYLOAD_INVALID unknown certificate kind',
    );
    expect(refusal(decodeCertificate(signCertificate(vaccination(3, 2, '2026-06-01'))))).toBe(
      'PAYLOAD_INVALID dose exceeds series',
    );
    const c = vaccination(2, 2, '2026-06-01');
    expect(refusal(decodeCertificate(signCertificate({ ...c, expiresAt: c.issuedAt })))).toBe(
      'PAYLOAD_INVALID expiresAt must follow issuedAt',
    );
    const test = pcr('neg', NOW - DAY);
    expect(refusal(verifyCertCode(signCertificate({ ...test, expiresAt: test.issuedAt + 15 * DAY })))).toBe(
      `CERTIFICATE_LIFETIME_TOO_LONG test over ${14 * DAY} s`,
    );
  });
});

describe('holderKey', () => {
  it('groups one person whatever the spacing and case of the name, in the stored lower-case form', () => {
    const holder = { name: ' Budi SANTOSO ', birthDate: '1985-04-12', region: '6472' };
    expect(holderKey(holder)).toBe('budi santoso|1985-04-12');
    expect(holderKey({ ...holder, name: 'budi santoso' })).toBe(holderKey(holder));
    expect(holderKey({ ...holder, birthDate: '1985-04-13' })).not.toBe(holderKey(holder));
  });
});

describe('parseScanned', () => {
  it('says what a foreign code is', () => {
    const url = parseScanned('https://example.com/menu');
    expect(url.ok ? 'ok' : [url.error.code, JSON.parse(url.error.detail ?? '{}').kind]).toEqual([
      'NOT_SINGGAH_CODE',
      'url',
    ]);
    const txt = parseScanned('WIFI:S:cafe;T:WPA;P:secret;;');
    expect(txt.ok ? 'ok' : JSON.parse(txt.error.detail ?? '{}').kind).toBe('text');
  });
  it('caps input size before parsing', () => {
    expect(code(parseScanned(`https://x/v#${'1'.repeat(5000)}`))).toBe('INPUT_TOO_LARGE');
  });
  it('qrText upper-cases origin and path only, and leaves a text without a fragment as it is', () => {
    expect(qrText('https://singgah.id/v#0123')).toBe('HTTPS://SINGGAH.ID/V#0123');
    expect(qrText('https://singgah.id/about')).toBe('https://singgah.id/about');
  });
  it('accepts upper-case links and any origin', () => {
    const digits = signVenue(kaltimOffice);
    expect(code(parseScanned(`HTTPS://SINGGAH.ID/V#${digits}`))).toBe('ok');
  });
  it('reads a plain http:// link too (the origin is not trusted; a local deployment is served over http)', () => {
    const read = parseScanned(`http://127.0.0.1:8080/v#${signVenue(kaltimOffice)}`);
    expect(read.ok ? read.value.kind : read.error.code).toBe('venue');
  });
  it('refuses a link with text before it or anything after the digits', () => {
    const digits = signVenue(kaltimOffice);
    expect(code(parseScanned(`see https://x/v#${digits}`))).toBe('NOT_SINGGAH_CODE');
    expect(code(parseScanned(`evil:https://x/v#${digits}`))).toBe('NOT_SINGGAH_CODE');
    expect(code(parseScanned(`https://x/v#${digits}x`))).toBe('NOT_SINGGAH_CODE');
    expect(code(parseScanned(`https://x/v#${digits} more`))).toBe('NOT_SINGGAH_CODE');
  });
});
