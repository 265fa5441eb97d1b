/** Choosing a QR code's three corners among finder-pattern candidates by the triangle they make. */
import { describe, expect, it } from 'vitest';
import { type FinderCandidate, rankFinderTriples, SQUARE_ENOUGH } from '../../src/scan/finder-triangles';

const at = (x: number, y: number, moduleSize = 4): FinderCandidate => ({ x, y, moduleSize });
// A version-10 code at 4 px per module: finder centres 50 modules (200 px) apart.
const TL = at(100, 100);
const TR = at(300, 100);
const BL = at(100, 300);

describe('rankFinderTriples', () => {
  it('ranks a code’s corners first, with distortion 0, ahead of a false candidate in its data', () => {
    const falseOne = at(212, 224);
    const ranked = rankFinderTriples([TL, falseOne, TR, BL], 10);
    expect(ranked[0].triple).toHaveLength(3);
    expect(new Set(ranked[0].triple)).toEqual(new Set([TL, TR, BL]));
    expect(ranked[0].distortion).toBeCloseTo(0, 10);
    // Two corners and the false candidate: a triangle, but not a square corner.
    expect(ranked[1].distortion).toBeGreaterThan(SQUARE_ENOUGH);
    expect(ranked).toHaveLength(4);
  });

  it('is the same for a rotated or scaled code (distortion is relative to its size)', () => {
    const turn = (p: FinderCandidate, k: number) => {
      const [c, s] = [Math.cos(Math.PI / 6), Math.sin(Math.PI / 6)];
      return at(k * (p.x * c - p.y * s), k * (p.x * s + p.y * c), 4 * k);
    };
    for (const k of [0.5, 1, 3]) {
      const [ranked] = rankFinderTriples([turn(TL, k), turn(TR, k), turn(BL, k)], 1);
      expect(ranked.distortion).toBeCloseTo(0, 10);
    }
  });

  it('scores a tilted code above 0 and below a false triple', () => {
    // The left side looks 10 % shorter: the bottom-left corner is nearer.
    const [tilted] = rankFinderTriples([TL, TR, at(100, 280)], 1);
    expect(tilted.distortion).toBeGreaterThan(0.1);
    expect(tilted.distortion).toBeLessThan(0.3);
  });

  it('leaves out candidates of another size and triples too small to be one code', () => {
    expect(rankFinderTriples([TL, TR, at(100, 300, 6)], 5)).toEqual([]);
    // Module sizes within 1.4× of each other still pair (blur and tilt change the estimate).
    expect(rankFinderTriples([TL, TR, at(100, 300, 5.5)], 5)).toHaveLength(1);
    // Three candidates 10 modules apart lie inside a single code (finder centres are ≥ 14 apart).
    expect(rankFinderTriples([at(0, 0), at(40, 0), at(0, 40)], 5)).toEqual([]);
  });

  it('returns at most `limit`, and nothing for fewer than three candidates', () => {
    const many = [TL, TR, BL, at(300, 300), at(200, 200), at(180, 260)];
    expect(rankFinderTriples(many, 3)).toHaveLength(3);
    const all = rankFinderTriples(many, 100);
    expect(all.map((r) => r.distortion)).toEqual([...all.map((r) => r.distortion)].sort((p, q) => p - q));
    expect(rankFinderTriples([TL, TR], 5)).toEqual([]);
  });
});
