/**
 * Browser entry of the benchmarks: bundled by scripts/bench/run.ts with Vite's build API (IIFE) and loaded
 * into a page in Chromium, which calls `window.singgahBench` through Playwright.
 */
import { type BenchResult, benchCases, runCase } from './cases';

export interface BrowserBench {
  ids(scale: number): string[];
  run(id: string, scale: number): Promise<BenchResult>;
}

const bench: BrowserBench = {
  ids: (scale) => benchCases(scale).map((c) => c.id),
  run: (id, scale) => {
    const c = benchCases(scale).find((x) => x.id === id);
    if (!c) throw new Error(`no bench case ${id}`);
    return runCase(c);
  },
};

(globalThis as unknown as { singgahBench: BrowserBench }).singgahBench = bench;
