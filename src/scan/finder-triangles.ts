/**
 * Which three finder-pattern candidates are a QR code's corners. zxing-js (0.23) keeps the three whose module
 * size is closest to the average, which on a sharp render picks false candidates — runs of the data that happen
 * to read 1:1:3:1:1 both ways have exactly the right module size — and misses codes a phone reads at a glance
 * (posters rendered at 100 dpi: test/server/cli/poster.test.ts). Like zxing 3.4+ (Java), rank triples by how close
 * they are to an isosceles right triangle instead, and hand the decoder more than one to try.
 */

export interface FinderCandidate {
  readonly x: number;
  readonly y: number;
  readonly moduleSize: number;
}

/** Finder centres of a version 1 code are 14 modules apart; a triple closer than this is inside one code. */
const MIN_SIDE_MODULES = 12;
/** Candidates of one code agree on their module size within this ratio (zxing's own tolerance). */
const MAX_MODULE_RATIO = 1.4;

const squaredDistance = (a: FinderCandidate, b: FinderCandidate) => (a.x - b.x) ** 2 + (a.y - b.y) ** 2;

/**
 * Below this distortion a triple is taken as a code's corners without looking further. A code seen square-on
 * scores about 0 (up to 0.05 from blur), one tilted so that a side looks 10 % shorter 0.2 — but so can two
 * corners and a false candidate in the middle of the code; above it the whole frame is searched.
 */
export const SQUARE_ENOUGH = 0.1;

export interface RankedTriple<T> {
  readonly triple: T[];
  readonly distortion: number;
}

/**
 * Triples of `candidates` that could be a code's three finder patterns, most square-cornered first, at most
 * `limit`. Distortion is |c − 2a| + |c − 2b| over the squared sides a ≤ b ≤ c (0 for an isosceles right
 * triangle), divided by c so a large code and a small one compare alike.
 */
export function rankFinderTriples<T extends FinderCandidate>(
  candidates: readonly T[],
  limit: number,
): RankedTriple<T>[] {
  const sorted = [...candidates].sort((p, q) => p.moduleSize - q.moduleSize);
  const ranked: RankedTriple<T>[] = [];
  for (let i = 0; i < sorted.length - 2; i++) {
    for (let j = i + 1; j < sorted.length - 1; j++) {
      for (let k = j + 1; k < sorted.length; k++) {
        // Sorted by module size, so i is the smallest and k the largest of the three.
        if (sorted[k].moduleSize > sorted[i].moduleSize * MAX_MODULE_RATIO) break;
        const [a, b, c] = [
          squaredDistance(sorted[i], sorted[j]),
          squaredDistance(sorted[j], sorted[k]),
          squaredDistance(sorted[i], sorted[k]),
        ].sort((m, n) => m - n);
        const module = (sorted[i].moduleSize + sorted[j].moduleSize + sorted[k].moduleSize) / 3;
        if (a < (MIN_SIDE_MODULES * module) ** 2) continue;
        ranked.push({
          triple: [sorted[i], sorted[j], sorted[k]],
          distortion: (Math.abs(c - 2 * a) + Math.abs(c - 2 * b)) / c,
        });
      }
    }
  }
  return ranked.sort((p, q) => p.distortion - q.distortion).slice(0, limit);
}
