/** The screen-level gates: "Update Singgah" (APP_TOO_OLD: no decisions at all) and why the rules cannot be used. */
import { describe, expect, it } from 'vitest';
import { decidePerson } from '../../src/core/eligibility';
import { decodeVenue } from '../../src/core/venue';
import { rulesProblem, updateRequired } from '../../src/ui/gating';
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

describe('rulesProblem', () => {
  const b = bundle('0.1.0');
  const skew = b.policy.clockSkewSeconds;
  const ctx = { bundle: b, trustedTime: NOW, appVersion: '0.1.0' };

  it('names the trusted time when the clock is more than clockSkewSeconds behind it', () => {
    expect(rulesProblem({ ...ctx, now: NOW - skew - 1 }, true)).toEqual({ code: 'CLOCK_BEHIND', serverTime: NOW });
    expect(rulesProblem({ ...ctx, now: NOW - skew }, true)).toBeUndefined();
    expect(rulesProblem({ ...ctx, now: NOW + DAY }, true)).toBeUndefined();
  });

  it('names the server time when the clock is ahead of it, and agrees with the decision', () => {
    const ahead = { ...ctx, now: NOW + 60 * DAY, serverOffset: -60 * DAY };
    expect(rulesProblem(ahead, true)).toEqual({ code: 'CLOCK_AHEAD', serverTime: NOW });
    const decision = decidePerson([], venue.region, venue, ahead);
    expect(decision).toMatchObject({ outcome: 'CANNOT_VERIFY', reasons: [{ code: 'CLOCK_AHEAD' }] });
  });

  it('gives way to "update required"; "never synced" only once a download was attempted', () => {
    expect(rulesProblem({ ...ctx, bundle: bundle('9.0.0'), now: NOW - DAY }, true)).toBeUndefined();
    expect(rulesProblem({ ...ctx, bundle: undefined, now: NOW }, false)).toBeUndefined();
    expect(rulesProblem({ ...ctx, bundle: undefined, now: NOW }, true)).toEqual({ code: 'NEVER_SYNCED' });
  });
});
