/** Suspensions: hashed certificate ids with an until-time in the bundle; black while one runs, whatever else. */
import { describe, expect, it } from 'vitest';
import { verifyBundle } from '../../src/core/bundle';
import { fromBase64Url } from '../../src/core/bytes';
import { type Certificate, decodeCertificate, type SignedCertificate } from '../../src/core/certificate';
import { type DecisionContext, decidePerson, statusOf } from '../../src/core/eligibility';
import { MAX_SUSPENSIONS, SUSPENSION_ID, suspendedUntil, suspensionIdOf } from '../../src/core/suspension';
import {
  anchor,
  DAY,
  HOUR,
  kaltimOffice,
  makeBundle,
  makeBundlePayload,
  NOW,
  pcr,
  semarangMosque,
  signCertificate,
  vaccination,
} from '../support/authority';

const date = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);
const sign = (c: Certificate): SignedCertificate => {
  const d = decodeCertificate(signCertificate(c));
  if (!d.ok) throw new Error(d.error.code);
  return d.value;
};
const vac = sign(vaccination(2, 2, date(NOW - 60 * DAY), '6472'));
const test = sign(pcr('neg', NOW - 3 * HOUR, '6472'));
const UNTIL = NOW + 10 * DAY;

describe('suspensionIdOf', () => {
  it('is 16 bytes of a domain-separated SHA-256, base64url', () => {
    const id = suspensionIdOf('CERT000001');
    expect(id).toMatch(SUSPENSION_ID);
    expect(fromBase64Url(id)).toHaveLength(16);
    expect(suspensionIdOf('CERT000001')).toBe(id);
    expect(suspensionIdOf('CERT000002')).not.toBe(id);
    // Pinned, so another implementation can check its own (published in docs/FORMATS.md).
    expect(suspensionIdOf('ABC123')).toBe('oTl-GhR7xc4-CANJijghNQ');
  });
});

describe('suspendedUntil: window boundaries', () => {
  const list = [{ id: suspensionIdOf(vac.certificate.id), until: UNTIL }];
  it('runs while now < until, not at until', () => {
    expect(suspendedUntil([vac, test], list, NOW)).toBe(UNTIL);
    expect(suspendedUntil([vac], list, UNTIL - 1)).toBe(UNTIL);
    expect(suspendedUntil([vac], list, UNTIL)).toBeUndefined();
  });
  it('is undefined for other certificates, no list, or an empty one', () => {
    expect(suspendedUntil([test], list, NOW)).toBeUndefined();
    expect(suspendedUntil([vac], undefined, NOW)).toBeUndefined();
    expect(suspendedUntil([vac], [], NOW)).toBeUndefined();
  });
  it('takes the latest end among the person’s certificates and repeated entries', () => {
    const both = [
      { id: suspensionIdOf(vac.certificate.id), until: UNTIL },
      { id: suspensionIdOf(test.certificate.id), until: UNTIL + DAY },
      { id: suspensionIdOf(vac.certificate.id), until: UNTIL + 2 * DAY },
    ];
    expect(suspendedUntil([vac, test], both, NOW)).toBe(UNTIL + 2 * DAY);
    expect(suspendedUntil([test, vac], both, NOW)).toBe(UNTIL + 2 * DAY);
    expect(suspendedUntil([test], both, NOW)).toBe(UNTIL + DAY);
  });
});

describe('status override', () => {
  const ctx = (suspensions?: { id: string; until: number }[]): DecisionContext => ({
    bundle: makeBundlePayload(suspensions ? { suspensions } : {}),
    now: NOW,
    trustedTime: NOW - DAY,
    appVersion: '9.9.9',
  });
  const suspended = ctx([{ id: suspensionIdOf(vac.certificate.id), until: UNTIL }]);

  it('makes a green person black until the end, with the end', () => {
    expect(statusOf([vac], '6472', ctx()).status).toBe('green');
    const s = statusOf([vac], '6472', suspended);
    expect(s).toMatchObject({ status: 'black', suspendedUntil: UNTIL });
    expect(statusOf([vac], '6472', { ...suspended, now: UNTIL }).status).toBe('green');
  });

  it('refuses at the door with SUSPENDED first', () => {
    expect(decidePerson([vac], '6472', kaltimOffice, ctx()).outcome).toBe('ALLOWED');
    const d = decidePerson([vac, test], '6472', semarangMosque, suspended);
    expect(d.outcome).toBe('DENIED');
    expect(d.status).toBe('black');
    expect(d.reasons[0]).toEqual({ code: 'SUSPENDED', until: UNTIL });
  });

  it('ignores a listed certificate that does not verify (it cannot be anyone’s proof)', () => {
    const expired = sign({ ...vaccination(2, 2, date(NOW - 60 * DAY), '6472'), expiresAt: NOW - 1 });
    const c = ctx([{ id: suspensionIdOf(expired.certificate.id), until: UNTIL }]);
    expect(statusOf([expired, test], '6472', c).suspendedUntil).toBeUndefined();
  });
});

describe('bundle field', () => {
  it('verifies a bundle with suspensions and rejects bad ids and more than the cap', () => {
    const good = makeBundlePayload({ suspensions: [{ id: suspensionIdOf('X'), until: UNTIL }] });
    const r = verifyBundle(makeBundle(good), anchor);
    expect(r.ok && r.value.payload.suspensions).toEqual(good.suspensions);
    const bad = verifyBundle(makeBundle(makeBundlePayload({ suspensions: [{ id: 'X', until: UNTIL }] })), anchor);
    expect(bad.ok).toBe(false);
    // The 22 characters must be the whole id: a valid id with anything before or after it is refused.
    for (const id of [`${suspensionIdOf('X')}A`, `A${suspensionIdOf('X')}`]) {
      const padded = verifyBundle(makeBundle(makeBundlePayload({ suspensions: [{ id, until: UNTIL }] })), anchor);
      expect(padded.ok ? 'ok' : padded.error.code).toBe('PAYLOAD_INVALID');
    }
    const extra = verifyBundle(
      makeBundle(makeBundlePayload({ suspensions: [{ id: suspensionIdOf('X'), until: UNTIL, who: 'Budi' } as never] })),
      anchor,
    );
    expect(extra.ok).toBe(false);
    const many = Array.from({ length: MAX_SUSPENSIONS + 1 }, (_, i) => ({
      id: suspensionIdOf(String(i)),
      until: UNTIL,
    }));
    const tooMany = verifyBundle(makeBundle(makeBundlePayload({ suspensions: many })), anchor);
    expect(tooMany.ok ? 'ok' : tooMany.error.code).toBe('PAYLOAD_TOO_LONG');
    const atCap = verifyBundle(makeBundle(makeBundlePayload({ suspensions: many.slice(1) })), anchor);
    expect(atCap.ok).toBe(true);
  });
});
