/**
 * `npm run bench [-- --scale 0.25] [-- --only family,bundle-500] [-- --no-browser]`
 *
 * Runs the cases of scripts/bench/cases.ts in Node, then the same module bundled by Vite (IIFE) in Debian's
 * Chromium, on a page served from 127.0.0.1 with COOP/COEP (cross-origin isolated, so performance.now() is
 * fine-grained). Writes the results between `<!-- bench:start -->` and `<!-- bench:end -->` in
 * docs/BENCHMARKS.md, keeping the hand-written text around them. Not part of `npm test`.
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
import { CHROMIUM_PATH, chromiumArgs } from '../../test/support/chromium';
import type { BrowserBench } from './browser';
import { type BenchResult, BUNDLE_SIZES, benchCases, runCase } from './cases';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DOC = join(ROOT, 'docs', 'BENCHMARKS.md');
const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';
/** The issue's target for the family decision, median, in Chromium. */
const TARGET_MS = 2;
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
const started = performance.now();
const ms = (x: number) => (Number.isFinite(x) ? (x < 0.1 ? x.toFixed(4) : x < 10 ? x.toFixed(3) : x.toFixed(1)) : '—');
const line = (runtime: string, r: BenchResult) =>
  r.error
    ? `  ${runtime.padEnd(8)} ${r.id.padEnd(18)} ERROR ${r.error}`
    : `  ${runtime.padEnd(8)} ${r.id.padEnd(18)} median ${ms(r.medianMs).padStart(8)} ms  p99 ${ms(r.p99Ms).padStart(8)} ms  (${r.iterations} × ${r.batch})`;

// ─── Chromium ───────────────────────────────────────────────────────────────────────────────────────

async function bundleForBrowser(): Promise<string> {
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
        entry: join(ROOT, 'scripts', 'bench', 'browser.ts'),
        formats: ['iife'],
        name: 'singgahBenchBundle',
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

const PAGE =
  '<!doctype html><html><head><meta charset="utf-8"><title>singgah bench</title></head><body><script src="/bench.js"></script></body></html>';

interface ChromiumSession {
  readonly version: string;
  readonly isolated: boolean;
  readonly timerResolutionMs: number;
  readonly bundleBytes: number;
  run(id: string): Promise<BenchResult>;
  close(): Promise<void>;
}

async function openChromium(): Promise<ChromiumSession> {
  const script = await bundleForBrowser();
  // Cross-origin isolation (COOP + COEP) gives performance.now() a 5 µs resolution instead of 100 µs.
  const isolation = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
  const server = createServer((req, res) => {
    if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...isolation }).end(PAGE);
    else if (req.url === '/bench.js')
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', ...isolation }).end(script);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: chromiumArgs() });
  const close = async () => {
    await browser.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${origin}/`);
    await page
      .waitForFunction(() => 'singgahBench' in globalThis, undefined, { timeout: 30_000 })
      .catch((e: unknown) => {
        throw new Error(`bench bundle did not load: ${errors.join('; ') || String(e)}`);
      });
    type Page = { singgahBench: BrowserBench };
    return {
      version: browser.version(),
      isolated: await page.evaluate(() => globalThis.crossOriginIsolated === true),
      timerResolutionMs: await page.evaluate(() => (globalThis as unknown as Page).singgahBench.timerResolutionMs()),
      bundleBytes: script.length,
      run: (id) =>
        page.evaluate(([i, s]) => (globalThis as unknown as Page).singgahBench.run(i, s), [id, scale] as [
          string,
          number,
        ]),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

// ─── Run: each case in Node, then in Chromium, so both see about the same machine load ─────────────

const loadBefore = loadavg();
console.log(`bench: ${cases.length} cases, scale ${scale}`);
const session = withBrowser ? await openChromium() : undefined;
const node: BenchResult[] = [];
const chromeResults: BenchResult[] = [];
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
} finally {
  await session?.close();
}
const loadAfter = loadavg();
const chrome = session && { ...session, results: chromeResults };

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

console.log(`\n${section}\n`);
if (write && !only) {
  const before = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '# Benchmarks\n';
  const s = before.indexOf(START);
  const e = before.indexOf(END);
  const next =
    s >= 0 && e > s
      ? before.slice(0, s) + section + before.slice(e + END.length)
      : `${before.trimEnd()}\n\n${section}\n`;
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
