/** The frame pipeline's schedule and crop (pure parts of src/scan/frame-loop.ts). */
import { describe, expect, it } from 'vitest';
import { attemptPlan, centredRegion } from '../../src/scan/frame-loop';

describe('attemptPlan', () => {
  it('reads the full frame every 4th attempt, inverts every 3rd, and meets every combination within 12', () => {
    const plans = Array.from({ length: 12 }, (_, n) => attemptPlan(n, 4, 3));
    expect(plans.filter((p) => p.full).length).toBe(3);
    expect(plans.filter((p) => p.invert).length).toBe(4);
    const combos = new Set(plans.map((p) => `${p.full}/${p.invert}`));
    expect(combos).toEqual(new Set(['false/false', 'true/false', 'false/true', 'true/true']));
    // Most attempts look at the centre, as-is: where people aim.
    expect(plans.filter((p) => !p.full && !p.invert).length).toBe(6);
    // The first attempt sees the whole frame, the second tries the inverted centre.
    expect(plans.slice(0, 2)).toEqual([
      { full: true, invert: false },
      { full: false, invert: true },
    ]);
  });
});

describe('centredRegion', () => {
  it('is a centred square of the given share of the short side', () => {
    expect(centredRegion(640, 480, 2 / 3)).toEqual({ x: 160, y: 80, size: 320 });
    expect(centredRegion(720, 1280, 2 / 3)).toEqual({ x: 120, y: 400, size: 480 });
  });
});
