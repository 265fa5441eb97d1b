/**
 * A certificate may not outlive its signing key, and each kind has a maximum lifetime in the signed policy:
 * a retired (window ended) but unrevoked certificate key must not mint anything valid by backdating.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BundlePayload } from '../../src/core/bundle';
import { signBundle, verifyBundle } from '../../src/core/bundle';
import {
  type Certificate,
  DEFAULT_MAX_CERTIFICATE_DAYS,
  decodeCertificate,
  verifyCertificate,
} from '../../src/core/certificate';
import { decidePerson } from '../../src/core/eligibility';
import type { Result } from '../../src/core/errors';
import { MAX_TIME, MIN_TIME } from '../../src/core/schema';
import {
  anchor,
  bundleKey,
  DAY,
  defaultKeys,
  HOUR,
  kaltimOffice,
  makeBundlePayload,
  NOW,
  pcr,
  recovery,
  root,
  seededKey,
  signCertificate,
  vaccination,
} from '../support/authority';

const code = <T>(r: Result<T>) => (r.ok ? 'ok' : r.error.code);
const date = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);

/** A second certificate key, listed with its own window and never revoked. */
const oldKey = seededKey(70);
const withWindow = (validFrom: number, validTo: number, policy?: Partial<BundlePayload['policy']>) => {
  const b = makeBundlePayload({ keys: [...defaultKeys, bundleKey(oldKey, 'certificate', validFrom, validTo)] });
  return policy ? { ...b, policy: { ...b.policy, ...policy } } : b;
};
const byOldKey = (c: Certificate): Certificate => ({ ...c, kid: bundleKey(oldKey, 'certificate').kid });

function verify(c: Certificate, bundle: BundlePayload, at = NOW, key = oldKey) {
  const d = decodeCertificate(signCertificate(c, key));
  return d.ok ? verifyCertificate(d.value, bundle, at) : d;
}

describe('a certificate must end after it begins', () => {
  it('an expiresAt at or before issuedAt is PAYLOAD_INVALID when decoded, before any key is looked at', () => {
    const c = vaccination(2, 2, date(NOW - 30 * DAY));
    for (const expiresAt of [c.issuedAt, c.issuedAt - 1]) {
      expect(code(decodeCertificate(signCertificate({ ...c, expiresAt })))).toBe('PAYLOAD_INVALID');
    }
    expect(code(decodeCertificate(signCertificate({ ...c, expiresAt: c.issuedAt + 1 })))).toBe('ok');
  });
});

describe('a certificate may not outlive its signing key', () => {
  // The key was valid for two years and retired 70 days ago: listed still, so what it signed stays checkable.
  const retired = withWindow(NOW - 800 * DAY, NOW - 70 * DAY);

  it('a retired, unrevoked key minting a certificate valid to 2099 under an old issuedAt is refused, and its holder is not green', () => {
    const minted = byOldKey({
      ...vaccination(2, 2, date(NOW - 300 * DAY)),
      issuedAt: NOW - 100 * DAY,
      expiresAt: Date.parse('2099-12-31T00:00:00Z') / 1000,
    });
    expect(code(verify(minted, retired))).toBe('CERTIFICATE_OUTLIVES_KEY');
    const d = decodeCertificate(signCertificate(minted, oldKey));
    if (!d.ok) throw new Error(d.error.code);
    const decision = decidePerson([d.value], '6472', kaltimOffice, {
      bundle: retired,
      now: NOW,
      trustedTime: NOW,
      appVersion: '0.1.0',
    });
    expect(decision.status).toBe('red');
    expect(decision.outcome).toBe('DENIED');
  });

  it('what the key signed inside its window verifies while valid, then expires no later than the key', () => {
    const genuine = byOldKey({ ...vaccination(2, 2, date(NOW - 300 * DAY)), issuedAt: NOW - 200 * DAY });
    const fitted = { ...genuine, expiresAt: NOW - 70 * DAY };
    expect(code(verify(fitted, retired, NOW - 71 * DAY))).toBe('ok');
    expect(code(verify(fitted, retired, NOW))).toBe('CERTIFICATE_EXPIRED');
  });

  it('an expiry at the last second of the key passes; one second later is CERTIFICATE_OUTLIVES_KEY', () => {
    const c = byOldKey({ ...vaccination(2, 2, date(NOW - 300 * DAY)), issuedAt: NOW - 200 * DAY });
    const open = withWindow(NOW - 800 * DAY, NOW + 100 * DAY);
    expect(code(verify({ ...c, expiresAt: NOW + 100 * DAY }, open))).toBe('ok');
    expect(code(verify({ ...c, expiresAt: NOW + 100 * DAY + 1 }, open))).toBe('CERTIFICATE_OUTLIVES_KEY');
  });

  it('a certificate claiming to be issued before the key began, or after it ended, is refused (KEY_NOT_VALID_NOW)', () => {
    const window = withWindow(NOW - 300 * DAY, NOW + 300 * DAY);
    const c = byOldKey(vaccination(2, 2, date(NOW - 400 * DAY)));
    const before = { ...c, issuedAt: NOW - 300 * DAY - 1, expiresAt: NOW + 10 * DAY };
    expect(code(verify(before, window))).toBe('KEY_NOT_VALID_NOW');
    const after = { ...c, issuedAt: NOW + 300 * DAY + 1, expiresAt: NOW + 301 * DAY };
    expect(code(verify(after, window, NOW + 300 * DAY + 2))).toBe('KEY_NOT_VALID_NOW');
    expect(code(verify({ ...before, issuedAt: NOW - 300 * DAY }, window))).toBe('ok');
  });
});

describe('each kind has a maximum lifetime in the signed policy', () => {
  const bundle = makeBundlePayload();
  const kinds: readonly [Certificate, number][] = [
    [{ ...vaccination(2, 2, date(NOW - 30 * DAY)), issuedAt: NOW - 10 * DAY }, 365],
    [pcr('neg', NOW - 2 * HOUR), 14],
    [{ ...recovery(date(NOW - 20 * DAY)), issuedAt: NOW - 10 * DAY }, 180],
  ];

  it('the demo policy caps vaccination at 365 days, test at 14, recovery at 180: at the cap passes, a second more is refused', () => {
    expect(bundle.policy.maxCertificateDays).toEqual({ vaccination: 365, test: 14, recovery: 180 });
    for (const [c, days] of kinds) {
      expect(code(verify({ ...c, expiresAt: c.issuedAt + days * DAY }, bundle, NOW, seededKey(3)))).toBe('ok');
      expect(code(verify({ ...c, expiresAt: c.issuedAt + days * DAY + 1 }, bundle, NOW, seededKey(3)))).toBe(
        'CERTIFICATE_LIFETIME_TOO_LONG',
      );
    }
  });

  it('a bundle without policy.maxCertificateDays applies the built-in caps, the issuing defaults', () => {
    const { maxCertificateDays: _, ...policy } = bundle.policy;
    const older = { ...bundle, policy };
    expect(DEFAULT_MAX_CERTIFICATE_DAYS).toEqual({ vaccination: 365, test: 14, recovery: 180 });
    for (const [c, days] of kinds) {
      expect(code(verify({ ...c, expiresAt: c.issuedAt + days * DAY }, older, NOW, seededKey(3)))).toBe('ok');
      expect(code(verify({ ...c, expiresAt: c.issuedAt + days * DAY + 1 }, older, NOW, seededKey(3)))).toBe(
        'CERTIFICATE_LIFETIME_TOO_LONG',
      );
    }
  });

  it("the policy's own caps decide: a longer one admits more, a shorter one refuses what the demo allows", () => {
    const [vac] = kinds[0];
    const twoYears = { ...vac, expiresAt: vac.issuedAt + 730 * DAY };
    const long = {
      ...bundle,
      policy: { ...bundle.policy, maxCertificateDays: { vaccination: 730, test: 3, recovery: 180 } },
    };
    const short = {
      ...bundle,
      policy: { ...bundle.policy, maxCertificateDays: { vaccination: 30, test: 1, recovery: 30 } },
    };
    expect(code(verify(twoYears, long, NOW, seededKey(3)))).toBe('ok');
    expect(code(verify(twoYears, bundle, NOW, seededKey(3)))).toBe('CERTIFICATE_LIFETIME_TOO_LONG');
    expect(code(verify({ ...vac, expiresAt: vac.issuedAt + 31 * DAY }, short, NOW, seededKey(3)))).toBe(
      'CERTIFICATE_LIFETIME_TOO_LONG',
    );
  });

  it('the bundle schema wants all three kinds in whole days, 1–3660', () => {
    const withCaps = (caps: unknown) =>
      code(
        verifyBundle(
          signBundle({ ...bundle, policy: { ...bundle.policy, maxCertificateDays: caps } } as never, [root.secretKey]),
          anchor,
        ),
      );
    expect(withCaps({ vaccination: 3660, test: 1, recovery: 1 })).toBe('ok');
    expect(withCaps({ vaccination: 365, test: 3 })).not.toBe('ok');
    expect(withCaps({ vaccination: 365, test: 0, recovery: 180 })).not.toBe('ok');
    expect(withCaps({ vaccination: 3661, test: 3, recovery: 180 })).not.toBe('ok');
    expect(withCaps({ vaccination: 365, test: 1.5, recovery: 180 })).not.toBe('ok');
    expect(withCaps({ vaccination: 365, test: 3, recovery: 180, dcc: 365 })).toBe('PAYLOAD_UNKNOWN_FIELD');
  });
});

describe('window and lifetime properties', () => {
  const kindArb = fc.constantFrom('vaccination' as const, 'test' as const, 'recovery' as const);
  const certOf = (kind: Certificate['kind'], issuedAt: number, expiresAt: number): Certificate => {
    const c =
      kind === 'vaccination'
        ? vaccination(2, 2, '2021-06-01')
        : kind === 'test'
          ? pcr('neg', issuedAt)
          : recovery('2021-06-01');
    return byOldKey({ ...c, issuedAt, expiresAt });
  };
  const span = { min: MIN_TIME, max: MAX_TIME - 1 };

  it('verifies exactly when the key window covers [issuedAt, expiresAt] and the lifetime is within its kind’s cap', () => {
    const caps = makeBundlePayload().policy.maxCertificateDays ?? DEFAULT_MAX_CERTIFICATE_DAYS;
    const seen = { ok: 0, refused: 0 };
    fc.assert(
      fc.property(
        kindArb,
        fc.integer(span),
        fc.integer({ min: 1, max: 500 * DAY }),
        fc.integer({ min: -400 * DAY, max: 400 * DAY }),
        fc.integer({ min: 0, max: 900 * DAY }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (kind, issuedAt, lifetime, fromOffset, keyLength, at) => {
          const expiresAt = Math.min(issuedAt + lifetime, MAX_TIME);
          fc.pre(expiresAt > issuedAt);
          const validFrom = Math.max(MIN_TIME, Math.min(MAX_TIME, issuedAt + fromOffset));
          const validTo = Math.min(MAX_TIME, validFrom + keyLength);
          const now = issuedAt + Math.floor(at * (expiresAt - issuedAt - 1));
          const expected =
            validFrom <= issuedAt &&
            issuedAt <= validTo &&
            expiresAt <= validTo &&
            expiresAt - issuedAt <= caps[kind] * DAY;
          const r = verify(certOf(kind, issuedAt, expiresAt), withWindow(validFrom, validTo), now);
          expect(r.ok).toBe(expected);
          seen[r.ok ? 'ok' : 'refused']++;
        },
      ),
      { numRuns: 300 },
    );
    // Both sides of the rule were exercised, not only refusals.
    expect(seen.ok).toBeGreaterThan(20);
    expect(seen.refused).toBeGreaterThan(20);
  });

  it('a key past its window never makes anything valid after that window, whatever issuedAt and expiresAt it writes', () => {
    fc.assert(
      fc.property(
        kindArb,
        fc.integer({ min: MIN_TIME + 900 * DAY, max: NOW }),
        fc.integer({ min: 0, max: 800 * DAY }),
        // Mostly backdated into the window, some before it or after its end.
        fc.integer({ min: -30 * DAY, max: 900 * DAY }),
        // Lifetimes within a kind's cap as often as far beyond it; mostly just after the window ended.
        fc.oneof(fc.integer({ min: 1, max: 400 * DAY }), fc.integer({ min: 1, max: 80 * 365 * DAY })),
        fc.oneof(fc.integer({ min: 1, max: 30 * DAY }), fc.integer({ min: 1, max: 10 * 365 * DAY })),
        (kind, validTo, keyLength, backdated, lifetime, after) => {
          const issuedAt = validTo - backdated;
          const expiresAt = Math.min(issuedAt + lifetime, MAX_TIME);
          const validFrom = validTo - keyLength;
          const now = validTo + after;
          expect(verify(certOf(kind, issuedAt, expiresAt), withWindow(validFrom, validTo), now).ok).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});
