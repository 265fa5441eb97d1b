/**
 * Browser entry of the benchmarks: bundled by scripts/bench/run.ts with Vite's build API (IIFE) and loaded
 * into a page in Chromium, which calls `window.singgahBench` through Playwright.
 */
import { type BenchResult, benchCases, runCase } from './cases';

export interface BrowserBench {
  ids(scale: number): string[];
  run(id: string, scale: number): Promise<BenchResult>;
  /** Smallest non-zero step of performance.now(), in ms (coarse unless the page is cross-origin isolated). */
  timerResolutionMs(): number;
}

const bench: BrowserBench = {
  ids: (scale) => benchCases(scale).map((c) => c.id),
  run: (id, scale) => {
    const c = benchCases(scale).find((x) => x.id === id);
    if (!c) throw new Error(`no bench case ${id}`);
    return runCase(c);
  },
  timerResolutionMs: () => {
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 1000; i++) {
      const a = performance.now();
      let b = performance.now();
      while (b === a) b = performance.now();
      best = Math.min(best, b - a);
    }
    return best;
  },
};

(globalThis as unknown as { singgahBench: BrowserBench }).singgahBench = bench;
