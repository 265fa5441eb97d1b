/**
 * The hard-photos benchmark (`npm run bench -- --only hard-photos`): the seeded hard set of
 * test/support/hard-photos.ts (wrinkled t-shirt, curled paper, tiny far code, dim turned page, steep angle,
 * blur + heavy JPEG; each at 0/90/180/270°) decoded in one Chromium run by Singgah's own chain, by ZXing-C++
 * compiled to WebAssembly (zxing-wasm), and by the app's photo import (the chain, then zxing-wasm when it
 * misses): reads per category and ms per photo. The browser side is scripts/bench/hard-photos-page.ts.
 */
import { HARD_CATEGORIES, type HardPhoto, makeHardSet } from '../../test/support/hard-photos';
import type { HardEngine, HardPhotosBenchPage, HardRun } from './hard-photos-page';
import { fmt, openSession, stats } from './scanner';

export const HARD_START = '<!-- bench-hard-photos:start -->';
export const HARD_END = '<!-- bench-hard-photos:end -->';

const ENGINES: readonly HardEngine[] = ['chain', 'zxing-wasm', 'app'];
const LABEL: Record<HardEngine, string> = {
  chain: 'Singgah chain alone',
  'zxing-wasm': 'zxing-wasm alone',
  app: 'Singgah photo import (chain, then zxing-wasm)',
};

export interface HardResult {
  readonly chromiumVersion: string;
  readonly photos: number;
  /** engine → category → photos read (the right text). */
  readonly read: Record<HardEngine, Record<string, number>>;
  readonly total: Record<HardEngine, number>;
  readonly ms: Record<HardEngine, { readonly median: number; readonly mean: number; readonly p90: number }>;
  /** Photos the chain missed and zxing-wasm read, by id (candidates for the fallback's e2e test). */
  readonly onlyWasm: string[];
}

type Bench = { hardPhotosBench: HardPhotosBenchPage };

export async function runHardPhotosBench(root: string, log: (line: string) => void): Promise<HardResult> {
  const set: HardPhoto[] = makeHardSet();
  log(`  hard-photos: ${set.length} photos generated`);
  const s = await openSession(root, 'hard-photos-page.ts', 'hardPhotosBench');
  try {
    const urls = set.map((p) => {
      const url = `/hard/${p.id}.jpg`;
      s.images.set(url, p.jpeg);
      return url;
    });
    const read = {} as HardResult['read'];
    const total = {} as HardResult['total'];
    const ms = {} as HardResult['ms'];
    const hits = {} as Record<HardEngine, boolean[]>;
    for (const engine of ENGINES) {
      const runs: HardRun[] = await s.page.evaluate(
        ([e, u]) => (globalThis as unknown as Bench).hardPhotosBench.run(e, u),
        [engine, urls] as [HardEngine, string[]],
      );
      read[engine] = {};
      hits[engine] = runs.map((run, i) => {
        if (run.text !== null && run.text !== set[i].text) throw new Error(`${engine} misread ${set[i].id}`);
        return run.text !== null;
      });
      hits[engine].forEach((ok, i) => {
        read[engine][set[i].category] = (read[engine][set[i].category] ?? 0) + (ok ? 1 : 0);
      });
      total[engine] = hits[engine].filter(Boolean).length;
      const st = stats(runs.map((r) => r.ms));
      ms[engine] = { median: st.medianMs, p90: st.p90Ms, mean: runs.reduce((a, r) => a + r.ms, 0) / runs.length };
      log(
        `  chromium hard-photos ${engine.padEnd(10)} read ${total[engine]}/${set.length}  median ${fmt(st.medianMs)} ms  mean ${fmt(ms[engine].mean)} ms per photo`,
      );
    }
    const onlyWasm = set.filter((_, i) => !hits.chain[i] && hits['zxing-wasm'][i]).map((p) => p.id);
    return { chromiumVersion: s.chromiumVersion, photos: set.length, read, total, ms, onlyWasm };
  } finally {
    await s.close();
  }
}

export function hardPhotosMarkdown(r: HardResult): string {
  const pct = (n: number, of: number) => `${n}/${of} (${Math.round((100 * n) / of)} %)`;
  const count = (id: string) => (HARD_CATEGORIES.find((c) => c.id === id)?.count ?? 0) * 4;
  const rows = HARD_CATEGORIES.map(
    (c) => `| ${c.id} | ${count(c.id)} | ${ENGINES.map((e) => pct(r.read[e][c.id] ?? 0, count(c.id))).join(' | ')} |`,
  );
  return [
    `${r.photos} generated photos (${HARD_CATEGORIES.length} kinds × ${HARD_CATEGORIES[0].count} scenes × 4 rotations, JPEG, seeded: test/support/hard-photos.ts) of venue, DCC (\`HC1:\`) and SHC (\`shc:/\`) codes, decoded in one Chromium page.`,
    '',
    `| Kind | Photos | ${ENGINES.map((e) => LABEL[e]).join(' | ')} |`,
    `| --- | --: | ${ENGINES.map(() => '--:').join(' | ')} |`,
    ...rows,
    `| **all** | ${r.photos} | ${ENGINES.map((e) => `**${pct(r.total[e], r.photos)}**`).join(' | ')} |`,
    '',
    `- ms per photo, from the JPEG's bytes to the text (median / mean / p90): ${ENGINES.map((e) => `${LABEL[e]} ${fmt(r.ms[e].median)} / ${fmt(r.ms[e].mean)} / ${fmt(r.ms[e].p90)}`).join('; ')}.`,
    `- Photos the chain misses and zxing-wasm reads: ${r.onlyWasm.length}.`,
  ].join('\n');
}
