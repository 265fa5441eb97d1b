/**
 * Browser entry of the DCC benchmark: bundled by scripts/bench/run.ts (Vite, IIFE) and loaded into its own
 * page on the bench origin, which calls `window.singgahDccBench` through Playwright with the fixtures signed
 * in Node. `first` must be called before any case: it times the page's very first verifications.
 */
import { type BenchResult, runCase } from './cases';
import { dccBenchCases, firstVerifyMs } from './dcc-cases';
import type { DccFixtures } from './dcc-fixtures';

export interface DccBrowserBench {
  first(f: DccFixtures): { es256: number; ps256: number };
  run(f: DccFixtures, id: string, scale: number): Promise<BenchResult>;
}

const bench: DccBrowserBench = {
  first: firstVerifyMs,
  run: (f, id, scale) => {
    const c = dccBenchCases(f, scale).find((x) => x.id === id);
    if (!c) throw new Error(`no DCC bench case ${id}`);
    return runCase(c);
  },
};

(globalThis as unknown as { singgahDccBench: DccBrowserBench }).singgahDccBench = bench;
