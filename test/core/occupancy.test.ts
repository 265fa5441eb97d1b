/**
 * Occupancy limits from the signed policy: which limit applies (category, region, first match), the limit as a
 * share of capacity (floor, integer arithmetic), no limit without a capacity, and full / not full.
 */
import { describe, expect, it } from 'vitest';
import type { BundlePolicy } from '../../src/core/bundle';
import { occupancyLimitOf, occupancyRuleFor, occupancyState } from '../../src/core/occupancy';

const base: BundlePolicy = { retentionDays: 21, staleGraceSeconds: 0, clockSkewSeconds: 300, uploadCheckIns: true };
const policy: BundlePolicy = {
  ...base,
  occupancyLimits: [
    { categories: ['gov'], regions: ['3374'], percent: 30 },
    { categories: ['gov'], regions: ['*'], percent: 50 },
    { categories: ['mall', 'resto'], regions: ['33'], percent: 75 },
    { categories: ['*'], regions: ['64'], percent: 90 },
  ],
};
const venue = (category: string, region: string, capacity = 400) => ({ category, region, capacity });

describe('occupancyRuleFor: category and region, first match wins', () => {
  it('a specific limit listed first wins over a general one', () => {
    expect(occupancyRuleFor(venue('gov', '3374'), policy)?.percent).toBe(30);
    expect(occupancyRuleFor(venue('gov', '64'), policy)?.percent).toBe(50);
  });

  it('a province code covers its regencies; a regency code does not cover its province', () => {
    expect(occupancyRuleFor(venue('mall', '3374'), policy)?.percent).toBe(75);
    expect(occupancyRuleFor(venue('mall', '33'), policy)?.percent).toBe(75);
    expect(occupancyRuleFor(venue('gov', '33'), policy)?.percent).toBe(50);
    expect(occupancyRuleFor(venue('worship', '6472'), policy)?.percent).toBe(90);
  });

  it('no match, no limits in the policy, or no policy at all: no limit', () => {
    expect(occupancyRuleFor(venue('worship', '3374'), policy)).toBeUndefined();
    expect(occupancyRuleFor(venue('mall', '34'), policy)).toBeUndefined();
    expect(occupancyRuleFor(venue('gov', '64'), base)).toBeUndefined();
    expect(occupancyRuleFor(venue('gov', '64'), undefined)).toBeUndefined();
  });

  it('region prefixes match whole codes only from the start ("33" is not inside "6433")', () => {
    const p: BundlePolicy = { ...base, occupancyLimits: [{ categories: ['*'], regions: ['33'], percent: 10 }] };
    expect(occupancyRuleFor(venue('gov', '6433'), p)).toBeUndefined();
  });

  it('a limit naming several regions applies in any one of them', () => {
    const p: BundlePolicy = { ...base, occupancyLimits: [{ categories: ['*'], regions: ['35', '64'], percent: 10 }] };
    expect(occupancyRuleFor(venue('gov', '6472'), p)?.percent).toBe(10);
    expect(occupancyRuleFor(venue('gov', '3578'), p)?.percent).toBe(10);
    expect(occupancyRuleFor(venue('gov', '3374'), p)).toBeUndefined();
  });
});

describe('occupancyLimitOf: floor(capacity × percent / 100)', () => {
  it('the seed: a government office of 400 at 50 % → 200', () => {
    expect(occupancyLimitOf(venue('gov', '64', 400), policy)).toBe(200);
  });

  it('rounds down, exactly (no floating-point drift)', () => {
    expect(occupancyLimitOf(venue('gov', '64', 15), policy)).toBe(7);
    expect(occupancyLimitOf(venue('gov', '3374', 10), policy)).toBe(3);
    expect(occupancyLimitOf(venue('mall', '3374', 7), policy)).toBe(5);
    // 29 × 57 % = 16.53: a float product would be 16.529999…
    const p: BundlePolicy = { ...base, occupancyLimits: [{ categories: ['*'], regions: ['*'], percent: 57 }] };
    expect(occupancyLimitOf(venue('gov', '64', 29), p)).toBe(16);
    expect(occupancyLimitOf(venue('gov', '64', 100), p)).toBe(57);
  });

  it('a venue without a capacity (0) has no limit; a tiny one may have a limit of 0', () => {
    expect(occupancyLimitOf(venue('gov', '64', 0), policy)).toBeUndefined();
    expect(occupancyLimitOf(venue('gov', '64', 1), policy)).toBe(0);
  });

  it('no rule applies: no limit', () => {
    expect(occupancyLimitOf(venue('worship', '3374', 15000), policy)).toBeUndefined();
  });
});

describe('occupancyState', () => {
  it('room below the limit, full at or above it, nothing to say without a limit', () => {
    expect(occupancyState(105, 200)).toEqual({ kind: 'room', inside: 105, limit: 200, free: 95 });
    expect(occupancyState(199, 200)).toEqual({ kind: 'room', inside: 199, limit: 200, free: 1 });
    expect(occupancyState(200, 200)).toEqual({ kind: 'full', inside: 200, limit: 200 });
    expect(occupancyState(250, 200)).toEqual({ kind: 'full', inside: 250, limit: 200 });
    expect(occupancyState(0, 0)).toEqual({ kind: 'full', inside: 0, limit: 0 });
    expect(occupancyState(3, undefined)).toEqual({ kind: 'no-limit' });
  });
});
