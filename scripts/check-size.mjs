#!/usr/bin/env node
// The first-load budget: the JavaScript before the first paint — index.html's entry script and everything it
// imports statically, transitively — must stay ≤ 35 KB gzip, so the scan button shows and works soon on a slow
// phone network (docs/DECISIONS.md). Run by `npm test` (scripts/test-all.mjs). This is the critical path only:
// what a first visit transfers in all (the model chunks Home requests at once included, compressed as the server
// sends them, headers counted) is measured in Chromium and budgeted by test/e2e/70-transfer-budget.spec.ts.
// Reads the chunk graph from Vite's `.vite/manifest.json` and also checks:
//   - index.html preloads (<link rel=modulepreload>) exactly that first-load set, never a lazy chunk;
//   - the service worker precaches every built JavaScript file (offline, and no stranded lazy chunk);
//   - every built JavaScript file over 1 KB has its brotli copy (`.br`, scripts/precompress-plugin.ts) beside it,
//     decoding to it: what the server sends to browsers that accept brotli.
// Fails if the Indonesian strings beyond Home's (src/ui/i18n/id-later.ts) load at start.
// Reports, without failing: the path to an open scanner (first load + the Scan screen's static chunks and the
// later strings; the decoder itself loads when the camera starts), warning when it is over the same 35 KB, and the model chunks
// (store + sync + verification), which main.tsx requests at once but nothing on the way to the scanner awaits;
// each also as the brotli bytes the server sends, and first load + model together ("Home at start").
// Fails if the EU DCC decoder (src/core/held-dcc.ts with core/dcc) or the SMART Health Card decoder
// (src/core/held-shc.ts with core/shc) is not a lazy chunk of its own, outside both the first load and the model
// chunks (each loads only for its format: core/dcc-codec-load.ts); reports their sizes.
//
//   node scripts/check-size.mjs               build into a temp dir (throwaway trust anchor) and check
//   node scripts/check-size.mjs --dist DIR    check an existing build (built with build.manifest: true)
//   add --json for a machine-readable line (scripts/bench reads it)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gzipSync } from 'node:zlib';
import { HOME_START } from './start-chunks.mjs';

export const BUDGET_BYTES = 35 * 1024;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SCAN_SCREEN = 'src/ui/screens/Scan.tsx';
/** The Indonesian strings beyond Home's: every screen but Home waits for them (src/ui/lazy-screen.tsx). */
const LATER_STRINGS = 'src/ui/i18n/id-later.ts';
const DCC = 'src/core/held-dcc.ts';
const SHC = 'src/core/held-shc.ts';

/** gzip -9, the level static servers and CDNs pre-compress with (and what Vite's build report prints). */
const gzipSize = (bytes) => gzipSync(bytes, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
/** Files smaller than this may have no brotli copy (the build skips files a coding does not shrink). */
const PRECOMPRESS_FLOOR = 1024;

/** A throwaway build: any well-formed anchor gives the same bundle size as the real one. */
function buildToTemp() {
  const dir = mkdtempSync(join(tmpdir(), 'singgah-size-'));
  const trust = join(dir, 'trust.json');
  writeFileSync(trust, JSON.stringify({ version: 1, threshold: 1, keys: [{ kid: '00', publicKey: 'A'.repeat(43) }] }));
  execFileSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, SINGGAH_TRUST_FILE: trust, SINGGAH_DIST: join(dir, 'dist') },
  });
  return { dist: join(dir, 'dist'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Chunk files reached from `keys` through static imports (what the browser must fetch before running them). */
function staticClosure(manifest, keys) {
  const seen = new Set();
  const visit = (key) => {
    const chunk = manifest[key];
    if (!chunk || seen.has(chunk.file)) return;
    seen.add(chunk.file);
    for (const k of chunk.imports ?? []) visit(k);
  };
  for (const k of keys) visit(k);
  return seen;
}

export function measure(dist) {
  const manifestPath = join(dist, '.vite', 'manifest.json');
  if (!existsSync(manifestPath)) throw new Error(`${manifestPath} missing: build with build.manifest: true`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const size = (files) => [...files].reduce((n, f) => n + gzipSize(readFileSync(join(dist, f))), 0);
  // What the server sends a browser that accepts brotli: the `.br` copy, or the file itself when there is none.
  const sent = (files) =>
    [...files].reduce((n, f) => {
      const br = join(dist, `${f}.br`);
      return n + readFileSync(existsSync(br) ? br : join(dist, f)).length;
    }, 0);
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  // The entry: index.html's module script. Its chunk is the `shell` group (scripts/start-chunks.mjs), which the
  // manifest lists under the chunk's name rather than under index.html.
  const entryFile = html.match(/<script type="module"[^>]*\ssrc="\/([^"]+)"/)?.[1];
  const entryKey = Object.keys(manifest).find((k) => manifest[k].file === entryFile);
  if (!entryKey) throw new Error(`index.html's module script ${entryFile} is not in the manifest`);
  const firstLoad = staticClosure(manifest, [entryKey]);
  // Classic scripts copied from public/ (theme-boot.js sets the theme before the first paint) load first too.
  for (const m of html.matchAll(/<script src="\/([^"]+)"><\/script>/g)) firstLoad.add(m[1]);
  const toScanner = new Set([...firstLoad, ...staticClosure(manifest, [SCAN_SCREEN, LATER_STRINGS])]);
  const model = staticClosure(manifest, [HOME_START]);
  const eager = new Set([...firstLoad, ...model]);
  for (const f of firstLoad) model.delete(f);
  // A lazy decoder's own chunks: those Rollup named after its module, reached from its dynamic entry.
  const lazyDecoder = (key, name, label) => {
    const entry = manifest[key];
    const chunks = entry
      ? [...staticClosure(manifest, [key])].filter((f) =>
          Object.values(manifest).some((c) => c.file === f && c.name === name),
        )
      : [];
    if (!entry?.isDynamicEntry) problems.push(`${key} is not a lazy chunk of its own (imported statically?)`);
    for (const f of chunks)
      if (eager.has(f)) problems.push(`the ${label} decoder's ${f} loads at start (first load or model)`);
    return chunks;
  };

  const problems = [];
  const dccChunks = lazyDecoder(DCC, 'held-dcc', 'DCC');
  const shcChunks = lazyDecoder(SHC, 'held-shc', 'SMART Health Card');
  const later = manifest[LATER_STRINGS];
  if (!later?.isDynamicEntry) problems.push(`${LATER_STRINGS} is not a lazy chunk of its own (imported statically?)`);
  else if (eager.has(later.file)) problems.push(`${LATER_STRINGS} loads at start (first load or model)`);
  const linked = new Set(
    [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="?modulepreload"?[^>]*\shref)="\/([^"]+)"/g)].map((m) => m[1]),
  );
  for (const f of linked) if (!firstLoad.has(f)) problems.push(`index.html loads ${f}, which is not first-load`);
  for (const f of firstLoad) if (!linked.has(f)) problems.push(`index.html does not preload first-load ${f}`);
  const sw = readFileSync(join(dist, 'sw.js'), 'utf8');
  const js = readdirSync(join(dist, 'assets')).filter((f) => f.endsWith('.js'));
  for (const f of js)
    if (!sw.includes(`assets/${f}`)) problems.push(`the service worker does not precache assets/${f}`);
  for (const f of js) {
    const bytes = readFileSync(join(dist, 'assets', f));
    const br = join(dist, 'assets', `${f}.br`);
    if (bytes.length < PRECOMPRESS_FLOOR) continue;
    if (!existsSync(br)) problems.push(`assets/${f} has no brotli copy (assets/${f}.br)`);
    else if (!brotliDecompressSync(readFileSync(br)).equals(bytes))
      problems.push(`assets/${f}.br does not decode to it`);
  }

  return {
    firstLoadBytes: size(firstLoad),
    firstLoadFiles: [...firstLoad],
    firstLoadBrotliBytes: sent(firstLoad),
    toScannerBytes: size(toScanner),
    modelBytes: size(model),
    modelBrotliBytes: sent(model),
    dccBytes: size(dccChunks),
    shcBytes: size(shcChunks),
    chunks: js.length,
    budgetBytes: BUDGET_BYTES,
    problems,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--dist');
  const built = i > 0 ? { dist: process.argv[i + 1], cleanup: () => {} } : buildToTemp();
  let result;
  try {
    result = measure(built.dist);
  } finally {
    built.cleanup();
  }
  if (process.argv.includes('--json')) console.log(JSON.stringify(result));
  const over = result.firstLoadBytes > BUDGET_BYTES;
  console.log(
    `first-load JS: ${kb(result.firstLoadBytes)} gzip in ${result.firstLoadFiles.length} files ` +
      `(budget ${kb(BUDGET_BYTES)}) ${over ? 'OVER BUDGET' : 'ok'}`,
  );
  console.log(
    `  to an open scanner (+ Scan screen and its strings, decoder excluded): ${kb(result.toScannerBytes)} gzip` +
      (result.toScannerBytes > BUDGET_BYTES ? ' (warning: over 35 KB)' : ''),
  );
  console.log(
    `  model chunk(s), loaded in parallel with the first paint: ${kb(result.modelBytes)} gzip` +
      ` (${kb(result.modelBrotliBytes)} as sent, brotli)`,
  );
  console.log(
    `  Home at start, first load + model, as sent: ${kb(result.firstLoadBrotliBytes + result.modelBrotliBytes)} brotli` +
      ' (bodies only; test/e2e/70-transfer-budget.spec.ts budgets the whole first visit)',
  );
  console.log(`  EU DCC decoder chunk(s), loaded only for a DCC: ${kb(result.dccBytes)} gzip`);
  console.log(`  SMART Health Card decoder chunk(s), loaded only for a card: ${kb(result.shcBytes)} gzip`);
  for (const p of result.problems) console.error(`  problem: ${p}`);
  if (over || result.problems.length > 0) {
    console.error('check-size: FAILED');
    process.exit(1);
  }
}
