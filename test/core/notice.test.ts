/** Exposure notices: round trip, tampering, seq binding, window rules, key role/window/revocation, type confusion. */
import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url, utf8 } from '../../src/core/bytes';
import { keyIdOf, signDetached } from '../../src/core/ed25519';
import type { Result } from '../../src/core/errors';
import {
  claimedVenueId,
  MAX_NOTICE_PAYLOAD_CHARS,
  MAX_NOTICE_WINDOW_SECONDS,
  type Notice,
  signNotice,
  verifyNotice,
} from '../../src/core/notice';
import {
  bundleKey,
  certKey,
  DAY,
  defaultKeys,
  HOUR,
  makeBundlePayload,
  NOW,
  noticesKey,
  seededKey,
  venueKey,
} from '../support/authority';

const bundle = makeBundlePayload();
const code = <T>(r: Result<T>) => (r.ok ? 'ok' : r.error.code);

const notice: Notice = {
  seq: 42,
  venueId: 'KGKT0001',
  from: NOW - 3 * HOUR,
  to: NOW - HOUR,
  issuedAt: NOW,
  kid: keyIdOf(noticesKey.publicKey),
};

const wireOf = (n: Notice, secretKey = noticesKey.secretKey) => ({ seq: n.seq, ...signNotice(n, secretKey) });
/** A wire notice over an arbitrary payload value, signed correctly (to test the checks after the signature's). */
const wireOfPayload = (seq: number, value: unknown, type: 'notices' | 'venue' = 'notices') => {
  const bytes = utf8(JSON.stringify(value));
  return { seq, payload: toBase64Url(bytes), sig: toBase64Url(signDetached(type, bytes, noticesKey.secretKey)) };
};

describe('notice', () => {
  it('base64url letters whose unused bits are not zero are NOTICE_INVALID, in the payload or the signature', () => {
    const wire = wireOf(notice);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // 64 signature bytes are 86 letters, the last carrying 4 unused bits: an odd letter sets one of them.
    const odd = (text: string) => text.slice(0, -1) + alphabet[alphabet.indexOf(text.at(-1) ?? 'A') | 1];
    expect(code(verifyNotice(bundle, wire))).toBe('ok');
    expect(verifyNotice(bundle, { ...wire, sig: odd(wire.sig) })).toMatchObject({
      ok: false,
      error: { code: 'NOTICE_INVALID', detail: 'not base64url' },
    });
  });

  it('round-trips: the payload is the documented array and verifies to the same fields', () => {
    const wire = wireOf(notice);
    const bytes = fromBase64Url(wire.payload) as Uint8Array;
    expect(JSON.parse(new TextDecoder().decode(bytes))).toEqual([
      1,
      42,
      'KGKT0001',
      notice.from,
      notice.to,
      NOW,
      notice.kid,
    ]);
    const r = verifyNotice(bundle, wire);
    expect(r.ok && r.value).toEqual(notice);
  });

  it('rejects any flipped bit of payload or signature', () => {
    const wire = wireOf(notice);
    for (const field of ['payload', 'sig'] as const) {
      const bytes = fromBase64Url(wire[field]) as Uint8Array;
      for (let i = 0; i < bytes.length; i++) {
        const t = bytes.slice();
        t[i] ^= 1 << (i % 8);
        const r = verifyNotice(bundle, { ...wire, [field]: toBase64Url(t) });
        expect(r.ok, `${field} byte ${i}`).toBe(false);
      }
    }
  });

  it('binds the wire seq to the signed seq: a notice replayed under another seq is refused', () => {
    const wire = wireOf(notice);
    expect(code(verifyNotice(bundle, { ...wire, seq: 43 }))).toBe('NOTICE_INVALID');
  });

  it('rejects a signature made for another type (domain separation) and by a key of another role', () => {
    const tuple = [1, 42, 'KGKT0001', notice.from, notice.to, NOW, notice.kid];
    expect(code(verifyNotice(bundle, wireOfPayload(42, tuple, 'venue')))).toBe('NOTICE_SIGNATURE_INVALID');
    const byVenueKey = wireOf({ ...notice, kid: keyIdOf(venueKey.publicKey) }, venueKey.secretKey);
    expect(code(verifyNotice(bundle, byVenueKey))).toBe('KEY_WRONG_ROLE');
    const byCertKey = wireOf({ ...notice, kid: keyIdOf(certKey.publicKey) }, certKey.secretKey);
    expect(code(verifyNotice(bundle, byCertKey))).toBe('KEY_WRONG_ROLE');
    const stranger = seededKey(99);
    expect(
      code(verifyNotice(bundle, wireOf({ ...notice, kid: keyIdOf(stranger.publicKey) }, stranger.secretKey))),
    ).toBe('KEY_UNKNOWN');
  });

  it('enforces the key validity window at issuedAt and revocation', () => {
    const keys = [defaultKeys[0], defaultKeys[1], bundleKey(noticesKey, 'notices', NOW - DAY, NOW + DAY)];
    const windowed = makeBundlePayload({ keys });
    expect(code(verifyNotice(windowed, wireOf(notice)))).toBe('ok');
    expect(code(verifyNotice(windowed, wireOf({ ...notice, issuedAt: NOW + 2 * DAY })))).toBe('KEY_NOT_VALID_NOW');
    const revoked = makeBundlePayload({ revocations: { keys: [notice.kid], certificates: [] } });
    expect(code(verifyNotice(revoked, wireOf(notice)))).toBe('KEY_REVOKED');
  });

  it('checks the window: from < to, at most 14 days', () => {
    expect(code(verifyNotice(bundle, wireOf({ ...notice, to: notice.from })))).toBe('NOTICE_INVALID');
    expect(code(verifyNotice(bundle, wireOf({ ...notice, to: notice.from - 1 })))).toBe('NOTICE_INVALID');
    const longest = { ...notice, to: notice.from + MAX_NOTICE_WINDOW_SECONDS };
    expect(code(verifyNotice(bundle, wireOf(longest)))).toBe('ok');
    expect(code(verifyNotice(bundle, wireOf({ ...longest, to: longest.to + 1 })))).toBe('NOTICE_INVALID');
  });

  it('rejects other versions, extra items, wrong types and bad ids — after a valid signature', () => {
    const t = [1, 42, 'KGKT0001', notice.from, notice.to, NOW, notice.kid];
    expect(code(verifyNotice(bundle, wireOfPayload(42, [2, ...t.slice(1)])))).toBe('FORMAT_VERSION_UNSUPPORTED');
    expect(code(verifyNotice(bundle, wireOfPayload(42, [...t, 'extra'])))).toBe('NOTICE_INVALID');
    expect(code(verifyNotice(bundle, wireOfPayload(42, [1, '42', ...t.slice(2)])))).toBe('NOTICE_INVALID');
    expect(code(verifyNotice(bundle, wireOfPayload(42, [1, 42, '../etc', ...t.slice(3)])))).toBe('NOTICE_INVALID');
    expect(code(verifyNotice(bundle, wireOfPayload(42, [1, 42, 'V', notice.from * 1000, ...t.slice(4)])))).toBe(
      'NOTICE_INVALID',
    );
    expect(code(verifyNotice(bundle, wireOfPayload(42, { seq: 42 })))).toBe('NOTICE_INVALID');
  });

  it('rejects malformed wire objects without throwing', () => {
    const wire = wireOf(notice);
    const bad: unknown[] = [
      null,
      'x',
      [],
      {},
      { ...wire, extra: 1 },
      { ...wire, seq: 0 },
      { ...wire, seq: 1.5 },
      { ...wire, seq: '42' },
      { ...wire, payload: `${wire.payload}=` },
      { ...wire, payload: 'A'.repeat(2000) },
      { ...wire, sig: wire.sig.slice(1) },
      { seq: 42, payload: toBase64Url(new Uint8Array([0xff, 0xfe])), sig: wire.sig },
      { seq: 42, payload: toBase64Url(utf8('not json')), sig: wire.sig },
    ];
    for (const w of bad) expect(code(verifyNotice(bundle, w)), JSON.stringify(w)).toBe('NOTICE_INVALID');
  });
});

describe('claimedVenueId', () => {
  it('reads the venue a notice names without its signature, to choose which notices to verify', () => {
    expect(claimedVenueId(wireOf(notice))).toBe('KGKT0001');
    expect(claimedVenueId(wireOf(notice, venueKey.secretKey))).toBe('KGKT0001');
    // A payload of exactly the cap is read (768 bytes are 1,024 base64url letters); one letter more is not.
    const padded = (bytes: number) => {
      const filler = 'x'.repeat(bytes - JSON.stringify([1, 2, 'KGKT0001', '']).length);
      return wireOfPayload(1, [1, 2, 'KGKT0001', filler]);
    };
    expect(padded(768).payload).toHaveLength(MAX_NOTICE_PAYLOAD_CHARS);
    expect(claimedVenueId(padded(768))).toBe('KGKT0001');
    expect(claimedVenueId(padded(769))).toBeUndefined();
  });

  it('is undefined for anything it cannot read: no payload, not base64url, not UTF-8, not JSON, no tuple, no text', () => {
    const payload = (bytes: Uint8Array) => ({ seq: 1, payload: toBase64Url(bytes), sig: '' });
    for (const wire of [
      null,
      {},
      { payload: 42 },
      { payload: '!!!' },
      payload(new Uint8Array([0xff, 0xfe])),
      payload(utf8('not json')),
      payload(utf8('{"2":"KGKT0001"}')),
      payload(utf8('[1,2,3]')),
    ]) {
      expect(claimedVenueId(wire)).toBeUndefined();
    }
  });
});

describe('notice details: what an operator reads when a notice is dropped', () => {
  const wire = wireOf(notice);
  const detailOf = (w: unknown) => {
    const r = verifyNotice(bundle, w);
    return r.ok ? 'ok' : `${r.error.code} ${r.error.detail}`;
  };
  const t = [1, 42, 'KGKT0001', notice.from, notice.to, NOW, notice.kid];

  it('names the wire field, the payload item, or the encoding that failed', () => {
    expect(detailOf({ ...wire, seq: 0 })).toMatch(/^NOTICE_INVALID wire: seq: /);
    expect(detailOf({ ...wire, payload: toBase64Url(new Uint8Array([0xff, 0xfe])) })).toBe(
      'NOTICE_INVALID payload is not UTF-8',
    );
    expect(detailOf({ ...wire, payload: toBase64Url(utf8('not json')) })).toBe('NOTICE_INVALID payload is not JSON');
    expect(detailOf(wireOfPayload(42, [1, '42', ...t.slice(2)]))).toMatch(/^NOTICE_INVALID payload: 1: /);
  });

  it('names the seq mismatch and the window rule broken', () => {
    expect(detailOf({ ...wire, seq: 43 })).toBe('NOTICE_INVALID seq 43 carries payload seq 42');
    expect(detailOf(wireOf({ ...notice, to: notice.from }))).toBe('NOTICE_INVALID from must be before to');
    expect(detailOf(wireOf({ ...notice, to: notice.from + MAX_NOTICE_WINDOW_SECONDS + 1 }))).toBe(
      'NOTICE_INVALID window longer than 14 days',
    );
  });
});
