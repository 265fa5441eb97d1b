/** The frame pipeline's schedule and crop (pure parts of src/scan/frame-loop.ts). */
import { describe, expect, it } from 'vitest';
import { attemptPlan, centredRegion, nextAttemptDue } from '../../src/scan/frame-loop';

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

describe('nextAttemptDue', () => {
  /** Attempts a camera at `fps` gets in `seconds` under the pacing (a decode always done before the next frame). */
  function attemptsAt(fps: number, seconds: number, pauseFrom = Number.POSITIVE_INFINITY, pauseMs = 0) {
    const gap = 1000 / 25;
    let due = Number.NEGATIVE_INFINITY;
    const times: number[] = [];
    for (let t = 0; t < seconds * 1000; t += 1000 / fps) {
      if (t >= pauseFrom && t < pauseFrom + pauseMs) continue;
      if (t < due) continue;
      times.push(t);
      due = nextAttemptDue(due, t, gap);
    }
    return times;
  }

  it('gives a 30 fps camera 25 attempts a second (a plain 40 ms gate would take every second frame: 15)', () => {
    const n = attemptsAt(30, 10).length;
    expect(n).toBeGreaterThanOrEqual(248);
    expect(n).toBeLessThanOrEqual(252);
  });

  it('never exceeds the cap at 60 fps, and a pause earns no burst', () => {
    for (const times of [attemptsAt(60, 10), attemptsAt(60, 10, 3000, 2000)]) {
      // In any one-second window, at most 25 attempts plus the one catch-up gap.
      for (let i = 0; i < times.length; i++) {
        const inWindow = times.filter((t) => t >= times[i] && t < times[i] + 1000).length;
        expect(inWindow).toBeLessThanOrEqual(26);
      }
    }
    const afterPause = attemptsAt(60, 10, 3000, 2000).filter((t) => t >= 5000 && t < 5200);
    expect(afterPause.length).toBeLessThanOrEqual(6);
  });

  it('starts at once', () => {
    expect(nextAttemptDue(Number.NEGATIVE_INFINITY, 1234, 40)).toBe(1234);
  });
});
