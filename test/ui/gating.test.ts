/** The screen-level gates: "Update Singgah" (APP_TOO_OLD: no decisions at all) and "clock wrong" (CLOCK_BEHIND). */
import { describe, expect, it } from 'vitest';
import { decidePerson } from '../../src/core/eligibility';
import { decodeVenue } from '../../src/core/venue';
import { clockBehind, updateRequired } from '../../src/ui/gating';
import { DAY, kaltimOffice, makeBundlePayload, NOW, signVenue } from '../support/authority';

const bundle = (minAppVersion: string) => makeBundlePayload({ minAppVersion }, 1, NOW - DAY);
const venue = (() => {
  const d = decodeVenue(signVenue(kaltimOffice));
  if (!d.ok) throw new Error(d.error.code);
  return d.value.venue;
})();

describe('updateRequired', () => {
  it('is set exactly when core decides APP_TOO_OLD, with the required and running versions', () => {
    const cases: [string, string, boolean][] = [
      ['0.1.0', '0.1.0', false],
      ['0.1.0', '0.2.0', false],
      ['0.2.0', '0.1.9', true],
      ['1.0.0', '0.9.9', true],
      ['0.10.0', '0.9.0', true], // numeric, not lexical
      ['0.9.0', '0.10.0', false],
    ];
    for (const [required, running, gated] of cases) {
      const b = bundle(required);
      expect(updateRequired(b, running), `${required} vs ${running}`).toEqual(
        gated ? { required, running } : undefined,
      );
      const decision = decidePerson([], venue.region, venue, {
        bundle: b,
        now: NOW,
        trustedTime: NOW - DAY,
        appVersion: running,
      });
      expect(decision.reasons[0]?.code === 'APP_TOO_OLD', `${required} vs ${running}`).toBe(gated);
    }
  });

  it('does not depend on the clock or on staleness, and is unset without a bundle', () => {
    const b = bundle('2.0.0');
    expect(updateRequired(b, '1.0.0')).toEqual({ required: '2.0.0', running: '1.0.0' });
    expect(updateRequired(undefined, '1.0.0')).toBeUndefined();
  });
});

describe('clockBehind', () => {
  const b = bundle('0.1.0');
  const skew = b.policy.clockSkewSeconds;

  it('names the trusted time when the clock is more than clockSkewSeconds behind it', () => {
    const ctx = { bundle: b, trustedTime: NOW, appVersion: '0.1.0' };
    expect(clockBehind({ ...ctx, now: NOW - skew - 1 })).toEqual({ expected: NOW });
    expect(clockBehind({ ...ctx, now: NOW - skew })).toBeUndefined();
    expect(clockBehind({ ...ctx, now: NOW + DAY })).toBeUndefined();
  });

  it('gives way to "update required" and says nothing without a bundle', () => {
    expect(
      clockBehind({ bundle: bundle('9.0.0'), trustedTime: NOW, now: NOW - DAY, appVersion: '0.1.0' }),
    ).toBeUndefined();
    expect(clockBehind({ bundle: undefined, trustedTime: NOW, now: NOW - DAY, appVersion: '0.1.0' })).toBeUndefined();
  });
});
