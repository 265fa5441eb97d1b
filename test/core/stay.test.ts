/**
 * Longer stays: the signed policy's cap (or 720 minutes when it sets none), never below the venue's own default,
 * nothing beyond the default without signed rules; the choices offered at the door.
 */
import { describe, expect, it } from 'vitest';
import type { BundlePolicy } from '../../src/core/bundle';
import { checkStay, DEFAULT_MAX_STAY_MINUTES, maxStayMinutes, stayChoices } from '../../src/core/stay';

const base: BundlePolicy = { retentionDays: 21, staleGraceSeconds: 0, clockSkewSeconds: 300, uploadCheckIns: true };
const office = { stayMinutes: 120 };

describe('maxStayMinutes', () => {
  it("the policy's cap; 720 when the policy sets none; only the default without rules", () => {
    expect(maxStayMinutes(office, { ...base, maxStayMinutes: 480 })).toBe(480);
    expect(maxStayMinutes(office, base)).toBe(DEFAULT_MAX_STAY_MINUTES);
    expect(DEFAULT_MAX_STAY_MINUTES).toBe(720);
    expect(maxStayMinutes(office, undefined)).toBe(120);
  });

  it('a venue whose default is above the cap keeps its default', () => {
    expect(maxStayMinutes({ stayMinutes: 1440 }, { ...base, maxStayMinutes: 480 })).toBe(1440);
  });
});

describe('checkStay', () => {
  const policy = { ...base, maxStayMinutes: 480 };
  it('accepts whole minutes from 1 to the cap', () => {
    expect(checkStay(480, office, policy)).toEqual({ ok: true, value: 480 });
    expect(checkStay(1, office, policy)).toEqual({ ok: true, value: 1 });
    expect(checkStay(120, office, undefined)).toEqual({ ok: true, value: 120 });
  });

  it('refuses longer than the cap, zero, negative, fractional and non-finite stays', () => {
    for (const m of [481, 0, -60, 90.5, Number.NaN, Number.POSITIVE_INFINITY])
      expect(checkStay(m, office, policy).ok ? m : 'refused').toBe('refused');
    expect(checkStay(180, office, undefined)).toMatchObject({ ok: false, error: { code: 'STAY_OUT_OF_RANGE' } });
  });
});

describe('stayChoices', () => {
  it('the default, every whole hour above it, then the cap', () => {
    expect(stayChoices(office, { ...base, maxStayMinutes: 480 })).toEqual([120, 180, 240, 300, 360, 420, 480]);
    expect(stayChoices({ stayMinutes: 90 }, { ...base, maxStayMinutes: 200 })).toEqual([90, 120, 180, 200]);
  });

  it('only the default when nothing longer is allowed', () => {
    expect(stayChoices(office, undefined)).toEqual([120]);
    expect(stayChoices({ stayMinutes: 1440 }, base)).toEqual([1440]);
  });
});
