/**
 * `npm run audit` — Lighthouse on the built app served by the real server, as a phone sees it.
 *
 * A throw-away demo authority (`singgah demo-init`) and an app build pinned to it, the server on a loopback
 * port, then Lighthouse's default (mobile) preset driving Debian's Chromium through chrome-launcher with the
 * test flags (test/support/chromium.ts). Each page is audited RUNS times, each with a fresh profile (a first
 * visit: no service worker, nothing cached), and the run with the median performance score is kept — the
 * variance Lighthouse's docs warn about is large on a shared machine. Home — the start URL, where every visit and the installed app begin — is held
 * to the thresholds; Settings (a deep link opened cold: it needs the store, the model and a rules pull before its
 * main text exists) is measured and reported, not gated (docs/AUDIT.md says why). Writes docs/lighthouse/<date>-<page>.html (the full report),
 * docs/lighthouse/<date>.json (scores, metrics and any failed audit) and the table between
 * `<!-- audit:start -->` and `<!-- audit:end -->` in docs/AUDIT.md. Exits 1 when a gated page's score is under
 * its threshold: accessibility, best practices and SEO 95, performance 90.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { buildApp, formatMarkdown, initDemo } from '../test/support/app-build';
import { CHROMIUM_PATH, chromiumArgs } from '../test/support/chromium';
import { type ServerProcess, startServerProcess } from '../test/support/server-process';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT_DIR = join(ROOT, 'docs', 'lighthouse');
const DOC = join(ROOT, 'docs', 'AUDIT.md');
const RUNS = 3;
const THRESHOLDS = { performance: 90, accessibility: 95, 'best-practices': 95, seo: 95 } as const;
type Category = keyof typeof THRESHOLDS;
const CATEGORIES = Object.keys(THRESHOLDS) as Category[];
const METRICS = [
  'first-contentful-paint',
  'largest-contentful-paint',
  'total-blocking-time',
  'cumulative-layout-shift',
  'speed-index',
] as const;
const PAGES = [
  { name: 'home', path: '/', gated: true },
  { name: 'settings', path: '/settings', gated: false },
] as const;

interface PageResult {
  readonly name: string;
  readonly gated: boolean;
  readonly scores: Record<Category, number>;
  readonly metrics: Record<string, string>;
  /** Audits that count towards a score and did not pass: what to fix. */
  readonly failed: readonly string[];
}

async function auditPage(url: string): Promise<{ result: PageResult; html: string }> {
  const chrome = await chromeLauncher.launch({
    chromePath: CHROMIUM_PATH,
    chromeFlags: chromiumArgs(['--headless=new']),
  });
  try {
    const runner = await lighthouse(url, {
      port: chrome.port,
      output: ['json', 'html'],
      logLevel: 'error',
      onlyCategories: CATEGORIES,
    });
    if (!runner) throw new Error(`lighthouse returned nothing for ${url}`);
    const { lhr, report } = runner;
    const scores = Object.fromEntries(
      CATEGORIES.map((c) => [c, Math.round((lhr.categories[c]?.score ?? 0) * 100)]),
    ) as Record<Category, number>;
    const metrics = Object.fromEntries(METRICS.map((m) => [m, lhr.audits[m]?.displayValue ?? '?']));
    const failed = CATEGORIES.flatMap((c) =>
      (lhr.categories[c]?.auditRefs ?? [])
        .filter((ref) => ref.weight > 0 && (lhr.audits[ref.id]?.score ?? 1) < 0.9)
        .map((ref) => `${c}: ${ref.id} (${lhr.audits[ref.id]?.score})`),
    );
    const html = Array.isArray(report) ? (report[1] ?? '') : report;
    return { result: { name: '', gated: false, scores, metrics, failed }, html };
  } finally {
    chrome.kill();
  }
}

function writeTable(date: string, results: readonly PageResult[]): void {
  const machine = `${cpus()[0]?.model.trim() ?? '?'} ×${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GB, Linux ${release()}`;
  const rows = results.map(
    (r) =>
      `| ${r.name}${r.gated ? '' : ' (not gated)'} | ${CATEGORIES.map((c) => r.scores[c]).join(' | ')} | ${METRICS.map((m) => r.metrics[m]).join(' | ')} | [report](lighthouse/${date}-${r.name}.html) |`,
  );
  const table = [
    `Run ${date} on ${machine}; ${CHROMIUM_PATH}; Lighthouse mobile preset (simulated slow 4G, 4× CPU slowdown); median of ${RUNS} runs.`,
    '',
    '| page | performance | accessibility | best practices | SEO | FCP | LCP | TBT | CLS | Speed Index | full report |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
  const text = readFileSync(DOC, 'utf8');
  const start = '<!-- audit:start -->';
  const end = '<!-- audit:end -->';
  const before = text.slice(0, text.indexOf(start) + start.length);
  const after = text.slice(text.indexOf(end));
  if (!text.includes(start) || !text.includes(end)) throw new Error(`${DOC} lacks the ${start} … ${end} markers`);
  writeFileSync(DOC, `${before}\n${table}\n${after}`);
  formatMarkdown(DOC);
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'singgah-audit-'));
  const distDir = mkdtempSync(join(tmpdir(), 'singgah-audit-dist-'));
  const date = new Date().toISOString().slice(0, 10);
  const results: PageResult[] = [];
  let server: ServerProcess | undefined;
  try {
    initDemo(dataDir);
    buildApp(dataDir, distDir);
    server = await startServerProcess(dataDir, distDir);
    mkdirSync(OUT_DIR, { recursive: true });
    for (const page of PAGES) {
      const runs: Awaited<ReturnType<typeof auditPage>>[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await auditPage(`${server.url}${page.path}`));
      runs.sort((a, b) => a.result.scores.performance - b.result.scores.performance);
      const { result, html } = runs[Math.floor(RUNS / 2)] as (typeof runs)[number];
      console.log(`${page.name}: performance ${runs.map((r) => r.result.scores.performance).join(', ')} → median`);
      results.push({ ...result, name: page.name, gated: page.gated });
      writeFileSync(join(OUT_DIR, `${date}-${page.name}.html`), html);
    }
  } finally {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(distDir, { recursive: true, force: true });
  }
  writeFileSync(
    join(OUT_DIR, `${date}.json`),
    `${JSON.stringify({ date, thresholds: THRESHOLDS, results }, null, 2)}\n`,
  );
  writeTable(date, results);

  const under = results
    .filter((r) => r.gated)
    .flatMap((r) =>
      CATEGORIES.filter((c) => r.scores[c] < THRESHOLDS[c]).map(
        (c) => `${r.name} ${c} ${r.scores[c]} < ${THRESHOLDS[c]}`,
      ),
    );
  for (const r of results) console.log(`${r.name}: ${CATEGORIES.map((c) => `${c} ${r.scores[c]}`).join(', ')}`);
  for (const f of results.flatMap((r) => r.failed.map((x) => `${r.name} ${x}`))) console.log(`  not passed: ${f}`);
  if (under.length) {
    console.error(`under threshold:\n  ${under.join('\n  ')}`);
    process.exitCode = 1;
  }
}

await main();
