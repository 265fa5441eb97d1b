/**
 * The authority at national scale (`npm run bench -- --only authority`): 10,000 venues (× --scale) from
 * one CSV signed and stored by `singgah venue import`, then a PDF and an SVG poster for each by
 * `singgah venue posters`, each command in its own Node process on PGlite, as an operator runs them. Wall
 * time and the process's peak resident memory (getrusage maxRSS, reported by the child itself) per step.
 *
 * Run as a child (`--child ARGS…`) it runs the CLI and prints one JSON line `{"code", "maxRssKiB"}` on stderr.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const AUTHORITY_START = '<!-- bench-authority:start -->';
export const AUTHORITY_END = '<!-- bench-authority:end -->';

const SELF = fileURLToPath(import.meta.url);
const POLICY = fileURLToPath(new URL('../../server/demo/policy.json', import.meta.url));
const MARK = 'singgah-bench-authority:';

export interface AuthorityBenchOptions {
  readonly scale: number;
  readonly machine: string;
}

interface Step {
  readonly what: string;
  readonly seconds: number;
  readonly maxRssMiB: number;
  readonly stdout: string;
}

/** Run `singgah ARGS` in a fresh Node process; its own getrusage says how much memory it peaked at. */
function runStep(what: string, args: readonly string[]): Promise<Step> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', SELF, '--child', ...args], {
      env: { ...process.env, DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', fail);
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      const line = stderr.split('\n').find((l) => l.startsWith(MARK));
      if (code !== 0 || !line) {
        fail(new Error(`singgah ${args.join(' ')} failed (${code}): ${stderr.slice(-2000)}`));
        return;
      }
      const { maxRssKiB } = JSON.parse(line.slice(MARK.length)) as { maxRssKiB: number };
      done({ what, seconds, maxRssMiB: maxRssKiB / 1024, stdout });
    });
  });
}

/** A venues CSV of `n` rows: real regency codes, the demo policy's categories, quoted addresses with commas. */
async function venuesCsv(n: number): Promise<string> {
  const { regions } = await import('../../server/regions');
  const regencies = [...regions().keys()].filter((c) => c.length === 4);
  const categories = ['gov', 'worship', 'mall', 'resto', 'transit', 'health'];
  const rows = ['name,address,category,region,capacity,stay'];
  for (let i = 0; i < n; i++) {
    const region = regencies[i % regencies.length];
    rows.push(
      `Kantor Pelayanan ${String(i + 1).padStart(5, '0')},"Jl. Merdeka No. ${(i % 300) + 1}, ${region}",${categories[i % categories.length]},${region},${50 + (i % 950)},${30 + (i % 8) * 15}`,
    );
  }
  return `${rows.join('\n')}\n`;
}

export async function runAuthorityBench(options: AuthorityBenchOptions): Promise<string> {
  const n = Math.max(100, Math.round(10_000 * options.scale));
  const dir = mkdtempSync(join(tmpdir(), 'singgah-bench-authority-'));
  try {
    const data = join(dir, 'data');
    const csv = join(dir, 'venues.csv');
    writeFileSync(csv, await venuesCsv(n));
    const out = join(dir, 'posters');
    const steps: Step[] = [];
    steps.push(await runStep('keys create', ['--data-dir', data, 'keys', 'create']));
    steps.push(await runStep('bundle sign (with the policy dry-run)', ['--data-dir', data, 'bundle', 'sign', POLICY]));
    // The first command that opens the data directory creates the PGlite database (initdb in WebAssembly, the
    // largest memory peak of the run): done on its own so that the import below measures only the import.
    steps.push(
      await runStep('create the PGlite database and migrate (`report occupancy --limit 1`)', [
        '--data-dir',
        data,
        'report',
        'occupancy',
        '--limit',
        '1',
      ]),
    );
    const imported = await runStep(`venue import: ${n.toLocaleString('en-US')} venues validated, signed, stored`, [
      '--data-dir',
      data,
      'venue',
      'import',
      csv,
    ]);
    if (!imported.stdout.includes(`Imported ${n} venue(s)`))
      throw new Error(`import: ${imported.stdout.slice(0, 500)}`);
    steps.push(imported);
    const posters = await runStep(`venue posters: ${n.toLocaleString('en-US')} × (PDF + SVG) from the database`, [
      '--data-dir',
      data,
      'venue',
      'posters',
      '--out',
      out,
    ]);
    steps.push(posters);
    const files = readdirSync(out);
    const pdfs = files.filter((f) => f.endsWith('.pdf'));
    if (pdfs.length !== n || files.length !== 2 * n) throw new Error(`posters: ${files.length} files for ${n} venues`);
    const bytes = (ext: string) =>
      files.filter((f) => f.endsWith(ext)).reduce((sum, f) => sum + statSync(join(out, f)).size, 0) / n / 1024;
    const row = (s: Step) => `| ${s.what} | ${s.seconds.toFixed(1)} s | ${s.maxRssMiB.toFixed(0)} MiB |`;
    const perVenue = (s: Step) => ((s.seconds * 1000) / n).toFixed(2);
    return `${AUTHORITY_START}
<!-- Generated by \`npm run bench\` (scripts/bench/authority.ts); edits between these markers are overwritten. -->

${options.machine}

Each step is one \`singgah\` process on PGlite (wall time includes Node start-up, tsx, opening and migrating the
database); peak memory is that process's maximum resident set size.

| Step | Wall time | Peak memory |
| --- | --: | --: |
${steps.map(row).join('\n')}

Per venue: import ${perVenue(imported)} ms, posters ${perVenue(posters)} ms (both formats). Average poster size: PDF
${bytes('.pdf').toFixed(1)} KiB, SVG ${bytes('.svg').toFixed(1)} KiB.
${AUTHORITY_END}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  const { runCli } = await import('../../server/cli');
  const code = await runCli(process.argv.slice(3));
  process.stderr.write(`${MARK}${JSON.stringify({ code, maxRssKiB: process.resourceUsage().maxRSS })}\n`);
  process.exitCode = code;
}
