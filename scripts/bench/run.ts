/**
 * `npm run bench [-- --scale 0.25] [-- --only family,bundle-500] [-- --only store] [-- --no-browser]`
 *
 * Runs the cases of scripts/bench/cases.ts in Node, then the same module bundled by Vite (IIFE) in Debian's
 * Chromium, on a page served from 127.0.0.1 with COOP/COEP (cross-origin isolated, so performance.now() is
 * fine-grained). Then the store benchmark (scripts/bench/store-browser.ts, its own bundle and page on the same
 * origin): the real src/store on IndexedDB in Chromium, 10,000 check-ins. Writes the results between
 * `<!-- bench:start -->` and `<!-- bench:end -->` and between `<!-- bench-store:start -->` and
 * `<!-- bench-store:end -->` in docs/BENCHMARKS.md, keeping the hand-written text around them. `store` is
 * a case id for `--only`. `server` (scripts/bench/server.ts: check-in ingestion on PGlite and PostgreSQL, bundle
 * serving against nginx) too; its section is written even with `--only server`. So is `authority`
 * (scripts/bench/authority.ts: 10,000 venues from CSV signed and postered). So is `retention`
 * (scripts/bench/retention.ts: a day dropped vs deleted on PostgreSQL, ingestion meanwhile; `--retention-rows N`).
 * So is `dcc` (scripts/bench/dcc-cases.ts in Node and Chromium, its own bundle and page; scripts/bench/dcc.ts: side
 * by side with dcc-utils in Node). So is `failover` (scripts/bench/failover.ts: the PostgreSQL primary killed under
 * upload load, pg_auto_failover on loopback). So is `hard-photos` (scripts/bench/hard-photos.ts: the generated hard
 * photo set, the photo import beside zxing-wasm). So is `nat` (scripts/bench/nat.ts: 10,000 phones behind one
 * address after a blackout, with and without an abuser there). Not part of `npm test`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { build } from 'vite';
import { chromiumLaunchOptions } from '../../test/support/chromium';
import { AUTHORITY_END, AUTHORITY_START, runAuthorityBench } from './authority';
import type { BrowserBench } from './browser';
import { type BenchResult, BUNDLE_SIZES, benchCases, runCase } from './cases';
import { DCC_END, DCC_START, dccSection, runDccSideBySide } from './dcc';
import type { DccBrowserBench } from './dcc-browser';
import { dccBenchCases } from './dcc-cases';
import { type DccFixtures, makeDccFixtures, makeDccSigners } from './dcc-fixtures';
import { FAILOVER_END, FAILOVER_START, runFailoverBench } from './failover';
import { HARD_END, HARD_START, hardPhotosMarkdown, runHardPhotosBench } from './hard-photos';
import { NAT_END, NAT_START, runNatBench } from './nat';
import { NOTICES_END, NOTICES_START, runNoticesBench } from './notices';
import { DEFAULT_RETENTION_ROWS, RETENTION_END, RETENTION_START, runRetentionBench } from './retention';
import { decodeSetMarkdown, runDecodeSetBench, runScannerBench, scannerMarkdown } from './scanner';
import { runServerBench, SERVER_END, SERVER_START } from './server';
import type { StoreBench, StoreBenchOptions, StoreBenchResult, Timing } from './store-browser';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DOC = join(ROOT, 'docs', 'BENCHMARKS.md');
const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';
/** The issue's target for the family decision, median, in Chromium. */
const TARGET_MS = 2;
const STORE_START = '<!-- bench-store:start -->';
const STORE_END = '<!-- bench-store:end -->';
/** The issue's targets for the store, medians in Chromium with 10,000 check-ins stored. */
const FIRST_PAGE_TARGET_MS = 50;
const CHECKIN_TARGET_MS = 15;
/** The store bench's id for `--only`. */
const STORE_ID = 'store';
const CERT_COUNT_LABEL = 'family’s';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}
const scale = Number(option('scale') ?? 1);
if (!(scale > 0)) throw new Error('--scale must be a positive number');
const only = option('only')?.split(',');
const withBrowser = !process.argv.includes('--no-browser');
const write = !process.argv.includes('--no-write');

const cases = benchCases(scale).filter((c) => !only || only.includes(c.id));
const withStore = withBrowser && (!only || only.includes(STORE_ID));
const withServer = !only || only.includes('server');
// The authority bench (scripts/bench/authority.ts: 10,000 venues imported and postered); id `authority`.
const withAuthority = !only || only.includes('authority');
// The retention bench (scripts/bench/retention.ts: dropping a day vs DELETE on PostgreSQL, ingestion meanwhile);
// id `retention`; `--retention-rows N` rows per day (1,000,000 by default; the docs' figure is 10,000,000).
const withRetention = !only || only.includes('retention');
const retentionRows = Number(option('retention-rows') ?? DEFAULT_RETENTION_ROWS);
if (!(Number.isInteger(retentionRows) && retentionRows > 0))
  throw new Error('--retention-rows must be a positive integer');
// The fairness bench behind carrier NAT (scripts/bench/nat.ts: 10,000 phones and an abuser at one address); id `nat`.
const withNat = !only || only.includes('nat');
// The scanner benches (scripts/bench/scanner.ts): fake-camera videos and the generated photo set, Singgah
// side by side with qr-scanner. Ids `scanner` and `decode-set`; their sections are written even with --only.
const withScanner = withBrowser && (!only || only.includes('scanner'));
const withDecodeSet = withBrowser && (!only || only.includes('decode-set'));
// The hard photo set (scripts/bench/hard-photos.ts): Singgah's photo import side by side with zxing-wasm.
const withHardPhotos = withBrowser && (!only || only.includes('hard-photos'));
// The EU DCC bench (id `dcc`): its cases in Node and Chromium, then dcc-utils side by side in Node.
const withDcc = !only || only.includes('dcc');
const dccSigners = withDcc ? makeDccSigners() : undefined;
const dccFixtures = dccSigners && makeDccFixtures(dccSigners);
const scannerRuns = Math.max(20, Math.round(20 * scale));
const storeOptions: StoreBenchOptions = {
  fill: 10_000,
  fillBatch: 1_000,
  pageSize: 50,
  pageRuns: Math.max(30, Math.round(100 * scale)),
  checkInRuns: Math.max(100, Math.round(300 * scale)),
};
const started = performance.now();
const ms = (x: number) => (Number.isFinite(x) ? (x < 0.1 ? x.toFixed(4) : x < 10 ? x.toFixed(3) : x.toFixed(1)) : '—');
const line = (runtime: string, r: BenchResult) =>
  r.error
    ? `  ${runtime.padEnd(8)} ${r.id.padEnd(18)} ERROR ${r.error}`
    : `  ${runtime.padEnd(8)} ${r.id.padEnd(18)} median ${ms(r.medianMs).padStart(8)} ms  p99 ${ms(r.p99Ms).padStart(8)} ms  (${r.iterations} × ${r.batch})`;

// ─── Chromium ───────────────────────────────────────────────────────────────────────────────────────

async function bundleForBrowser(entry: string, name: string): Promise<string> {
  const out = await build({
    configFile: false,
    root: ROOT,
    logLevel: 'warn',
    publicDir: false,
    envDir: false,
    define: { 'process.env.NODE_ENV': '"production"' },
    build: {
      write: false,
      minify: true,
      target: 'es2022',
      lib: {
        entry: join(ROOT, 'scripts', 'bench', entry),
        formats: ['iife'],
        name,
        fileName: () => 'bench.js',
      },
    },
  });
  const result = Array.isArray(out) ? out[0] : out;
  if (!('output' in result)) throw new Error('vite build returned a watcher');
  const chunk = result.output.find((o) => o.type === 'chunk');
  if (chunk?.type !== 'chunk') throw new Error('vite build produced no chunk');
  return chunk.code;
}

const page = (script: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>singgah bench</title></head><body><script src="/${script}"></script></body></html>`;

interface ChromiumSession {
  readonly version: string;
  readonly isolated: boolean;
  readonly timerResolutionMs: number;
  readonly bundleBytes: number;
  readonly storeBundleBytes: number;
  run(id: string): Promise<BenchResult>;
  /** The DCC bench on its own page: the page's first verifications (call first), then one case. */
  dccFirst(f: DccFixtures): Promise<{ es256: number; ps256: number }>;
  runDcc(f: DccFixtures, id: string): Promise<BenchResult>;
  /** The store bench on its own page (same origin): fills, times, deletes its database. */
  runStore(options: StoreBenchOptions): Promise<StoreBenchResult>;
  close(): Promise<void>;
}

async function openChromium(): Promise<ChromiumSession> {
  // Only what this run needs is bundled (each bundle takes a few seconds).
  const script = cases.length > 0 ? await bundleForBrowser('browser.ts', 'singgahBenchBundle') : '';
  const storeScript = withStore ? await bundleForBrowser('store-browser.ts', 'singgahStoreBenchBundle') : '';
  const dccScript = withDcc ? await bundleForBrowser('dcc-browser.ts', 'singgahDccBenchBundle') : '';
  // Cross-origin isolation (COOP + COEP) gives performance.now() a 5 µs resolution instead of 100 µs.
  const isolation = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
  const html = { 'content-type': 'text/html; charset=utf-8', ...isolation };
  const js = { 'content-type': 'text/javascript; charset=utf-8', ...isolation };
  const server = createServer((req, res) => {
    if (req.url === '/') res.writeHead(200, html).end(page('bench.js'));
    else if (req.url === '/store') res.writeHead(200, html).end(page('store-bench.js'));
    else if (req.url === '/bench.js') res.writeHead(200, js).end(script);
    else if (req.url === '/store-bench.js') res.writeHead(200, js).end(storeScript);
    else if (req.url === '/dcc') res.writeHead(200, html).end(page('dcc-bench.js'));
    else if (req.url === '/dcc-bench.js') res.writeHead(200, js).end(dccScript);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch(chromiumLaunchOptions());
  const close = async () => {
    await browser.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  try {
    const open = async (path: string, global: string) => {
      const p = await browser.newPage();
      const errors: string[] = [];
      p.on('pageerror', (e) => errors.push(e.message));
      await p.goto(`${origin}${path}`);
      await p
        .waitForFunction((g) => g in globalThis, global, { timeout: 30_000 })
        .catch((e: unknown) => {
          throw new Error(`bench bundle ${path} did not load: ${errors.join('; ') || String(e)}`);
        });
      return p;
    };
    const [mainPath, mainGlobal] =
      cases.length > 0
        ? ['/', 'singgahBench']
        : withStore
          ? ['/store', 'singgahStoreBench']
          : ['/dcc', 'singgahDccBench'];
    const page = await open(mainPath, mainGlobal);
    const storePage = withStore ? await open('/store', 'singgahStoreBench') : undefined;
    // Always a page of its own, so its first verifications are the page's first.
    const dccPage = withDcc ? await open('/dcc', 'singgahDccBench') : undefined;
    type Page = { singgahBench: BrowserBench; singgahStoreBench: StoreBench; singgahDccBench: DccBrowserBench };
    const onDccPage = () => {
      if (!dccPage) throw new Error('DCC bench page not open');
      return dccPage;
    };
    // Smallest non-zero step of performance.now() in the page (coarse unless cross-origin isolated).
    const timer = () => {
      let best = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 1000; i++) {
        const a = performance.now();
        let b = performance.now();
        while (b === a) b = performance.now();
        best = Math.min(best, b - a);
      }
      return best;
    };
    return {
      version: browser.version(),
      isolated: await page.evaluate(() => globalThis.crossOriginIsolated === true),
      timerResolutionMs: await page.evaluate(timer),
      bundleBytes: script.length,
      storeBundleBytes: storeScript.length,
      run: (id) =>
        page.evaluate(([i, s]) => (globalThis as unknown as Page).singgahBench.run(i, s), [id, scale] as [
          string,
          number,
        ]),
      runStore: (o) => {
        if (!storePage) throw new Error('store bench page not open');
        return storePage.evaluate((x) => (globalThis as unknown as Page).singgahStoreBench.run(x), o);
      },
      dccFirst: (f) => onDccPage().evaluate((x) => (globalThis as unknown as Page).singgahDccBench.first(x), f),
      runDcc: (f, id) =>
        onDccPage().evaluate(([x, i, s]) => (globalThis as unknown as Page).singgahDccBench.run(x, i, s), [
          f,
          id,
          scale,
        ] as [DccFixtures, string, number]),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

// ─── Run: each case in Node, then in Chromium, so both see about the same machine load ─────────────

const loadBefore = loadavg();
console.log(`bench: ${cases.length} cases${withStore ? ' + store' : ''}, scale ${scale}`);
const session = withBrowser && (cases.length > 0 || withStore || withDcc) ? await openChromium() : undefined;
const node: BenchResult[] = [];
const chromeResults: BenchResult[] = [];
let storeResult: StoreBenchResult | undefined;
let storeError: string | undefined;
const dccNode: BenchResult[] = [];
const dccChrome: BenchResult[] = [];
let dccFirst: { es256: number; ps256: number } | undefined;
const dccCases = dccFixtures ? dccBenchCases(dccFixtures, scale) : [];
const timingLine = (name: string, t: Timing) =>
  `  chromium ${name.padEnd(18)} median ${ms(t.medianMs).padStart(8)} ms  p99 ${ms(t.p99Ms).padStart(8)} ms  (${t.samples} runs)`;
try {
  for (const c of cases) {
    const n = await runCase(c);
    node.push(n);
    console.log(line('node', n));
    if (session) {
      const b = await session.run(c.id);
      chromeResults.push(b);
      console.log(line('chromium', b));
    }
  }
  if (session && withStore) {
    try {
      storeResult = await session.runStore(storeOptions);
      console.log(
        `  chromium store fill            ${storeResult.filled} check-ins in ${ms(storeResult.fillMs)} ms (${storeResult.countBefore} read back)`,
      );
      console.log(timingLine(`first page (${storeResult.pageItems})`, storeResult.firstPage));
      console.log(timingLine('check-in, strict', storeResult.checkIn));
    } catch (error) {
      storeError = error instanceof Error ? error.message : String(error);
      console.log(`  chromium store             ERROR ${storeError}`);
    }
  }
  if (dccFixtures) {
    if (session) {
      dccFirst = await session.dccFirst(dccFixtures);
      console.log(`  chromium dcc first verify  ES256 ${ms(dccFirst.es256)} ms, PS256 ${ms(dccFirst.ps256)} ms`);
    }
    for (const c of dccCases) {
      const n = await runCase(c);
      dccNode.push(n);
      console.log(line('node', n));
      if (session) {
        const b = await session.runDcc(dccFixtures, c.id);
        dccChrome.push(b);
        console.log(line('chromium', b));
      }
    }
  }
} finally {
  await session?.close();
}
const loadAfter = loadavg();
const formatLoad = (load: readonly number[]) => load.map((x) => x.toFixed(2)).join(', ');
const codeState = () =>
  `${git(['rev-parse', '--short', 'HEAD']) || 'unknown commit'}${git(['status', '--porcelain']) ? ' with uncommitted changes' : ''}`;
/** The machine lines of the server and authority sections, taken just before each runs (load changes). */
const sectionMachine = () =>
  [
    `- Date: ${new Date().toISOString()}; CPU: ${cpuModel()}, ${cpus().length} cores; Linux ${release()}; Node ${process.version}`,
    `- Load average (1, 5, 15 min) before: ${formatLoad(loadavg())}; code: ${codeState()}; scale ${scale}`,
  ].join('\n');
let serverSection: string | undefined;
if (withServer) {
  serverSection = await runServerBench({ scale, machine: sectionMachine() });
  console.log(`\n${serverSection}\n`);
}
// The failover bench (scripts/bench/failover.ts: pg_auto_failover on loopback, the primary killed 3 times); id
// `failover`.
let failoverSection: string | undefined;
if (!only || only.includes('failover')) {
  failoverSection = await runFailoverBench({ machine: sectionMachine() });
  console.log(`\n${failoverSection}\n`);
}
let authoritySection: string | undefined;
if (withAuthority) {
  authoritySection = await runAuthorityBench({ scale, machine: sectionMachine() });
  console.log(`\n${authoritySection}\n`);
}
let retentionSection: string | undefined;
if (withRetention) {
  retentionSection = await runRetentionBench({ rows: retentionRows, machine: sectionMachine() });
  console.log(`\n${retentionSection}\n`);
}
// Notices by province (scripts/bench/notices.ts): bytes per phone per day, national feed vs day files; id `notices`.
let noticesSection: string | undefined;
if (!only || only.includes('notices')) {
  noticesSection = await runNoticesBench({ scale, machine: sectionMachine() });
  console.log(`\n${noticesSection}\n`);
}
let natSection: string | undefined;
if (withNat) {
  natSection = await runNatBench({ scale, machine: sectionMachine() });
  console.log(`\n${natSection}\n`);
}
const SCANNER_START = '<!-- bench-scanner:start -->';
const SCANNER_END = '<!-- bench-scanner:end -->';
const DECODE_SET_START = '<!-- bench-decode-set:start -->';
const DECODE_SET_END = '<!-- bench-decode-set:end -->';
const scanMachine = (chromiumVersion: string, from: number[]) =>
  [
    `- Date: ${new Date().toISOString()}; CPU: ${cpuModel()}, ${cpus().length} cores; Linux ${release()}; Node ${process.version}; Chromium ${chromiumVersion} (headless, fake camera)`,
    `- Load average (1, 5, 15 min) before: ${formatLoad(from)}; after: ${formatLoad(loadavg())}; code: ${codeState()}`,
  ].join('\n');
const scanSection = (start: string, end: string, script: string, machineLines: string, body: string) =>
  `${start}\n<!-- Generated by \`npm run bench\` (scripts/bench/run.ts, ${script}); edits between these markers are overwritten. -->\n\n${machineLines}\n\n${body}\n${end}`;
let scannerSection: string | undefined;
if (withScanner) {
  const from = loadavg();
  const r = await runScannerBench(ROOT, scannerRuns, console.log);
  scannerSection = scanSection(
    SCANNER_START,
    SCANNER_END,
    'scripts/bench/scanner.ts',
    scanMachine(r.chromiumVersion, from),
    scannerMarkdown(r.videos, scannerRuns),
  );
  console.log(`\n${scannerSection}\n`);
}
let decodeSetSection: string | undefined;
if (withDecodeSet) {
  const from = loadavg();
  const r = await runDecodeSetBench(ROOT, console.log);
  decodeSetSection = scanSection(
    DECODE_SET_START,
    DECODE_SET_END,
    'scripts/bench/scanner.ts',
    scanMachine(r.chromiumVersion, from),
    decodeSetMarkdown(r),
  );
  console.log(`\n${decodeSetSection}\n`);
}
let hardPhotosSection: string | undefined;
if (withHardPhotos) {
  const from = loadavg();
  const r = await runHardPhotosBench(ROOT, console.log);
  hardPhotosSection = scanSection(
    HARD_START,
    HARD_END,
    'scripts/bench/hard-photos.ts',
    scanMachine(r.chromiumVersion, from),
    hardPhotosMarkdown(r),
  );
  console.log(`\n${hardPhotosSection}\n  chain misses read by zxing-wasm: ${r.onlyWasm.join(' ')}\n`);
}
const chrome = session && { ...session, results: chromeResults };
let dccSectionText: string | undefined;
if (dccSigners && dccFixtures) {
  const machine = [
    `- Date: ${new Date().toISOString()}; CPU: ${cpuModel()}, ${cpus().length} cores; Linux ${release()}; Node ${process.version}${chrome ? `; Chromium ${chrome.version} (headless, cross-origin isolated: ${chrome.isolated})` : '; Chromium not run'}`,
    `- Load average (1, 5, 15 min) before the run: ${formatLoad(loadBefore)}; before the side-by-side: ${formatLoad(loadavg())}; code: ${codeState()}; scale ${scale}`,
  ].join('\n');
  const side = await runDccSideBySide(ROOT, dccSigners, dccFixtures, scale, console.log);
  dccSectionText = dccSection({
    machine,
    labels: dccCases.map((c) => ({ id: c.id, label: c.label })),
    node: dccNode,
    chromium: dccChrome,
    ...(dccFirst ? { chromiumFirst: dccFirst } : {}),
    side,
  });
  console.log(`\n${dccSectionText}\n`);
}

// ─── Report ─────────────────────────────────────────────────────────────────────────────────────────

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1].trim();
  } catch {}
  return cpus()[0]?.model ?? 'unknown';
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

const byId = (rs: readonly BenchResult[] | undefined, id: string) => rs?.find((r) => r.id === id);
const cell = (r: BenchResult | undefined, k: 'medianMs' | 'p99Ms' | 'meanMs' | 'minMs') =>
  !r ? '—' : r.error ? 'error' : ms(r[k]);

function table(): string {
  const head =
    '| Case | Samples × calls | Node median | Node p99 | Node mean | Node min | Chromium median | Chromium p99 | Chromium mean | Chromium min |\n' +
    '| --- | --: | --: | --: | --: | --: | --: | --: | --: | --: |';
  const rows = cases.map((c) => {
    const n = byId(node, c.id);
    const b = byId(chrome?.results, c.id);
    const samples = `${c.iterations} × ${n?.batch ?? '?'}${b && b.batch !== n?.batch ? ` / ${b.batch}` : ''}`;
    return `| ${c.label} | ${samples} | ${cell(n, 'medianMs')} | ${cell(n, 'p99Ms')} | ${cell(n, 'meanMs')} | ${cell(n, 'minMs')} | ${cell(b, 'medianMs')} | ${cell(b, 'p99Ms')} | ${cell(b, 'meanMs')} | ${cell(b, 'minMs')} |`;
  });
  return [head, ...rows].join('\n');
}

function verdict(): string {
  const lines: string[] = [];
  const door = byId(chrome?.results, 'door');
  const doorNode = byId(node, 'door');
  if (!door || door.error) {
    lines.push(`- **Target** (family decision ≤ ${TARGET_MS} ms median in Chromium): not measured in this run.`);
  } else {
    const met = door.medianMs <= TARGET_MS;
    lines.push(
      `- **Target** (family decision ≤ ${TARGET_MS} ms median in Chromium), measured on the door scan (a venue QR not seen before): **${met ? 'MET' : 'NOT MET'}** — ${ms(door.medianMs)} ms median in Chromium (${doorNode ? ms(doorNode.medianMs) : '—'} ms in Node).`,
    );
    const warm = byId(chrome?.results, 'warm');
    const cold = byId(chrome?.results, 'cold');
    if (warm && cold && !warm.error && !cold.error) {
      lines.push(
        `- Same venue again (everything cached): ${ms(warm.medianMs)} ms${warm.medianMs <= TARGET_MS ? ' (within the target)' : ''}; first decision under a bundle (nothing cached): ${ms(cold.medianMs)} ms.`,
      );
    }
  }
  for (const [runtime, rs] of [
    ['Chromium', chrome?.results],
    ['Node', node],
  ] as const) {
    const parts = ['door', 'venue-decode', 'venue-verify', 'cert-verify-cached', 'cert-verify', 'rules'].map((id) =>
      byId(rs, id),
    );
    if (parts.some((p) => !p || p.error)) continue;
    const [d, decode, venue, certsCached, certs, rules] = parts as BenchResult[];
    // Shares of the sum of the separately measured parts (the door median itself is measured apart).
    const venueOnly = Math.max(0, venue.medianMs - decode.medianMs);
    const sum = venueOnly + decode.medianMs + rules.medianMs + certsCached.medianMs;
    const pct = (x: number) => `${Math.round((100 * x) / sum)} %`;
    lines.push(
      `- Door scan in ${runtime}, ${ms(d.medianMs)} ms median; the parts measured separately (medians, share of their sum ${ms(sum)} ms): venue signature ${ms(venueOnly)} ms (${pct(venueOnly)}), venue decode ${ms(decode.medianMs)} ms (${pct(decode.medianMs)}), rules ${ms(rules.medianMs)} ms (${pct(rules.medianMs)}), cached certificate checks ${ms(certsCached.medianMs)} ms (${pct(certsCached.medianMs)}). Uncached, the ${CERT_COUNT_LABEL} certificate verifies alone take ${ms(certs.medianMs)} ms.`,
    );
  }
  const [nb, tn, wc] = ['ed25519-noble', 'ed25519-tweetnacl', 'ed25519-webcrypto'].map((id) =>
    byId(chrome?.results, id),
  );
  if (nb && tn && wc && !nb.error && !tn.error && !wc.error) {
    lines.push(
      `- One Ed25519 verify in Chromium: @noble/ed25519 (core) ${ms(nb.medianMs)} ms, tweetnacl ${ms(tn.medianMs)} ms, WebCrypto ${ms(wc.medianMs)} ms (native, but async).`,
    );
  }
  lines.push(
    `- Bundle sizes: demo ${BUNDLE_SIZES.demo.toLocaleString('en-US')} bytes; ${BUNDLE_SIZES.bigRules} entry rules ${BUNDLE_SIZES.big.toLocaleString('en-US')} bytes (${((100 * BUNDLE_SIZES.big) / 1_048_576).toFixed(0)} % of the 1 MiB cap).`,
  );
  return lines.join('\n');
}

const commit = git(['rev-parse', '--short', 'HEAD']);
const dirty = git(['status', '--porcelain']) !== '';
const machine = [
  `- Date: ${new Date().toISOString()}`,
  `- CPU: ${cpuModel()}, ${cpus().length} cores; memory ${(totalmem() / 2 ** 30).toFixed(1)} GiB; Linux ${release()}`,
  `- Load average (1, 5, 15 min) before the run: ${loadBefore.map((x) => x.toFixed(2)).join(', ')}; after: ${loadAfter.map((x) => x.toFixed(2)).join(', ')}`,
  `- Node ${process.version}; ${chrome ? `Chromium ${chrome.version} (headless, cross-origin isolated: ${chrome.isolated}, timer resolution ${ms(chrome.timerResolutionMs)} ms, bench bundle ${(chrome.bundleBytes / 1024).toFixed(0)} KiB)` : 'Chromium not run'}`,
  `- Code: ${commit || 'unknown commit'}${dirty ? ' with uncommitted changes' : ''}; scale ${scale}; total bench time ${((performance.now() - started) / 1000).toFixed(0)} s`,
].join('\n');

const section = `${START}
<!-- Generated by \`npm run bench\` (scripts/bench/run.ts); edits between these markers are overwritten. -->

${machine}

${table()}

${verdict()}
${END}`;

// ─── The store section ───────────────────────────────────────────────────────────────────────────────

function storeSection(r: StoreBenchResult): string {
  const row = (what: string, t: Timing, target: number) =>
    `| ${what} | ${t.samples} | ${ms(t.medianMs)} | ${ms(t.p99Ms)} | ${ms(t.meanMs)} | ${ms(t.minMs)} | ${ms(t.maxMs)} | ≤ ${target} ms median: **${t.medianMs <= target ? 'MET' : 'NOT MET'}** |`;
  const storeMachine = [
    `- Date: ${new Date().toISOString()}; CPU: ${cpuModel()}, ${cpus().length} cores; Linux ${release()}`,
    `- Load average (1, 5, 15 min) before the run: ${loadBefore.map((x) => x.toFixed(2)).join(', ')}; after: ${loadAfter.map((x) => x.toFixed(2)).join(', ')}`,
    `- ${chrome ? `Chromium ${chrome.version} (headless, cross-origin isolated: ${chrome.isolated}, timer resolution ${ms(chrome.timerResolutionMs)} ms, store bench bundle ${(chrome.storeBundleBytes / 1024).toFixed(0)} KiB)` : 'Chromium not run'}`,
    `- Code: ${commit || 'unknown commit'}${dirty ? ' with uncommitted changes' : ''}; scale ${scale}`,
  ].join('\n');
  return `${STORE_START}
<!-- Generated by \`npm run bench\` (scripts/bench/run.ts, scripts/bench/store-browser.ts); edits between these markers are overwritten. -->

${storeMachine}

Fill: ${r.filled.toLocaleString('en-US')} check-ins through \`importAll\` in transactions of ${storeOptions.fillBatch.toLocaleString('en-US')} (durable), ${ms(r.fillMs)} ms in all (not a target); ${r.countBefore.toLocaleString('en-US')} read back. First page read on a fresh store instance (connection open included): ${ms(r.firstPageColdMs)} ms. Database deleted afterwards: ${r.deleted}.

| Operation, ${r.filled.toLocaleString('en-US')} check-ins stored | Runs | Median | p99 | Mean | Min | Max | Target |
| --- | --: | --: | --: | --: | --: | --: | --- |
${row(`First page of history: \`listCheckInsPage({limit: ${storeOptions.pageSize}})\` (${r.pageItems} items)`, r.firstPage, FIRST_PAGE_TARGET_MS)}
${row("One check-in + its outbox entry: `checkIn`, one transaction, durability 'strict', committed", r.checkIn, CHECKIN_TARGET_MS)}
${STORE_END}`;
}

/** Where `marker` stands on a line of its own (the prose names the markers in backticks too), or -1. */
function markerAt(doc: string, marker: string, from = 0): number {
  for (let i = doc.indexOf(marker, from); i >= 0; i = doc.indexOf(marker, i + 1)) {
    const end = i + marker.length;
    if ((i === 0 || doc[i - 1] === '\n') && (end === doc.length || doc[end] === '\n')) return i;
  }
  return -1;
}

function replaceSection(doc: string, start: string, end: string, text: string, after?: string): string {
  const s = markerAt(doc, start);
  const e = s < 0 ? -1 : markerAt(doc, end, s);
  if (s >= 0 && e > s) return doc.slice(0, s) + text + doc.slice(e + end.length);
  const a = after === undefined ? -1 : markerAt(doc, after);
  if (after !== undefined && a >= 0) {
    const cut = a + after.length;
    return `${doc.slice(0, cut)}\n\n${text}${doc.slice(cut)}`;
  }
  return `${doc.trimEnd()}\n\n${text}\n`;
}

if (cases.length > 0 || !only) console.log(`\n${section}\n`);
const store = storeResult && storeSection(storeResult);
if (store) console.log(`${store}\n`);
if (
  write &&
  (!only ||
    serverSection ||
    authoritySection ||
    noticesSection ||
    natSection ||
    retentionSection ||
    failoverSection ||
    scannerSection ||
    decodeSetSection ||
    hardPhotosSection ||
    dccSectionText)
) {
  let next = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '# Benchmarks\n';
  if (!only) next = replaceSection(next, START, END, section);
  // A failed or skipped store run keeps the last good section.
  if (store) next = replaceSection(next, STORE_START, STORE_END, store, END);
  if (serverSection) next = replaceSection(next, SERVER_START, SERVER_END, serverSection, STORE_END);
  if (authoritySection) next = replaceSection(next, AUTHORITY_START, AUTHORITY_END, authoritySection, SERVER_END);
  if (retentionSection) next = replaceSection(next, RETENTION_START, RETENTION_END, retentionSection, AUTHORITY_END);
  if (failoverSection) next = replaceSection(next, FAILOVER_START, FAILOVER_END, failoverSection, SERVER_END);
  if (noticesSection) next = replaceSection(next, NOTICES_START, NOTICES_END, noticesSection, AUTHORITY_END);
  if (natSection) next = replaceSection(next, NAT_START, NAT_END, natSection, AUTHORITY_END);
  if (scannerSection) next = replaceSection(next, SCANNER_START, SCANNER_END, scannerSection);
  if (decodeSetSection) next = replaceSection(next, DECODE_SET_START, DECODE_SET_END, decodeSetSection, SCANNER_END);
  if (hardPhotosSection) next = replaceSection(next, HARD_START, HARD_END, hardPhotosSection, DECODE_SET_END);
  if (dccSectionText) next = replaceSection(next, DCC_START, DCC_END, dccSectionText);
  writeFileSync(DOC, next);
  // The repository's lint (biome check .) formats Markdown too: leave the file as biome would.
  try {
    execFileSync(join(ROOT, 'node_modules', '.bin', 'biome'), ['format', '--write', DOC], {
      cwd: ROOT,
      stdio: 'ignore',
    });
  } catch {
    console.warn('bench: biome format failed; run `npx biome format --write docs/BENCHMARKS.md`');
  }
  console.log(`bench: wrote ${DOC.replace(`${ROOT}/`, '')}`);
}
console.log(`bench: done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
