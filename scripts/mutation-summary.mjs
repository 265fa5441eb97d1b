#!/usr/bin/env node
/**
 * Summarises Stryker's results as the Markdown tables of docs/SECURITY.md, "Mutation testing": per file and
 * per group the mutants by status and the score, then every surviving or uncovered mutant with its line and
 * replacement, so the published list is the report's, not a hand copy.
 *
 *   node scripts/mutation-summary.mjs reports/mutation/core-decide.json …      finished runs (JSON reporter)
 *   node scripts/mutation-summary.mjs reports/mutation/events-core-decide …    a run stopped part-way
 *
 * An events folder is what `--reporters …,event-recorder` writes as each mutant finishes; a run stopped before
 * its end leaves no JSON report, and its untested mutants are counted in a column of their own.
 * MUTATION_SOURCE_REV=<git revision> reads each mutant's line from the code the run mutated, when the working
 * tree has moved on since.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, relative } from 'node:path';

const STATUSES = ['Killed', 'Timeout', 'Survived', 'NoCoverage', 'Ignored', 'RuntimeError', 'CompileError', 'Pending'];

/** Stryker's score: detected (killed, timeout) over detected + undetected (survived, no coverage). */
function scoreOf(counts) {
  const detected = counts.Killed + counts.Timeout;
  const valid = detected + counts.Survived + counts.NoCoverage;
  return valid === 0 ? '—' : `${((100 * detected) / valid).toFixed(1)} %`;
}

/** Code for a Markdown table cell: no backtick to end the span, pipes escaped so the row keeps its columns. */
const cell = (code) => code.replaceAll('`', "'").replaceAll('|', '\\|');

/**
 * A survivor Stryker marks static runs at module load and was reached inside a test too ("hybrid"). With
 * `ignoreStatic` it is tested with the mutant switched on only after loading: a mutant of load-time code (a
 * table, a constant, an exported arrow) then changes nothing, and its survival says nothing about the tests.
 * Counted and marked apart so each can be judged.
 */
const STATIC_SURVIVED = 'StaticSurvived';
const emptyCounts = () => Object.fromEntries([...STATUSES, STATIC_SURVIVED].map((s) => [s, 0]));

function add(into, from) {
  for (const s of [...STATUSES, STATIC_SURVIVED]) into[s] += from[s];
}

const row = (name, c) =>
  `| ${name} | ${c.Killed} | ${c.Timeout} | ${c.Survived} (${c[STATIC_SURVIVED]}) | ${c.NoCoverage} | ${c.Ignored} | ${c.Pending} | ${scoreOf(c)} |`;

/** { file → mutants[] } from a finished JSON report or from an events folder (untested mutants: Pending). */
function mutantsByFile(path) {
  if (!statSync(path).isDirectory()) {
    const report = JSON.parse(readFileSync(path, 'utf8'));
    return Object.fromEntries(Object.entries(report.files).map(([file, { mutants }]) => [file, mutants]));
  }
  const events = readdirSync(path).sort();
  const tested = new Map();
  for (const name of events.filter((e) => e.endsWith('-onMutantTested.json'))) {
    const m = JSON.parse(readFileSync(`${path}/${name}`, 'utf8'));
    tested.set(m.id, m);
  }
  const planFile = events.find((e) => e.endsWith('-onMutationTestingPlanReady.json'));
  const planned = planFile
    ? JSON.parse(readFileSync(`${path}/${planFile}`, 'utf8')).mutantPlans.map((p) => p.mutant)
    : [];
  const byFile = {};
  for (const m of planned.length > 0 ? planned : [...tested.values()]) {
    const result = tested.get(m.id) ?? { ...m, status: 'Pending' };
    const file = relative(process.cwd(), m.fileName);
    byFile[file] ??= [];
    byFile[file].push(result);
  }
  return byFile;
}

const inputs = process.argv.slice(2);
if (inputs.length === 0) {
  console.error('usage: node scripts/mutation-summary.mjs <report.json | events folder> …');
  process.exit(2);
}

const total = emptyCounts();
const table = [
  '| group / file | killed | timeout | survived (of which static) | no coverage | ignored (static) | not yet run | score |',
  '|---|---|---|---|---|---|---|---|',
];
const left = [];
for (const path of inputs) {
  const group = basename(path, '.json').replace(/^events-/, '');
  const groupCounts = emptyCounts();
  const fileRows = [];
  const files = Object.entries(mutantsByFile(path)).sort(([a], [b]) => a.localeCompare(b));
  for (const [file, mutants] of files) {
    const counts = emptyCounts();
    for (const m of mutants) {
      counts[m.status] += 1;
      if (m.status === 'Survived' && m.static) counts[STATIC_SURVIVED] += 1;
    }
    add(groupCounts, counts);
    fileRows.push(row(`\`${file}\``, counts));
    const rev = process.env.MUTATION_SOURCE_REV;
    const source = rev
      ? execFileSync('git', ['show', `${rev}:${file}`], { encoding: 'utf8' })
      : readFileSync(file, 'utf8');
    const lines = source.split('\n');
    const undetected = mutants.filter((x) => x.status === 'Survived' || x.status === 'NoCoverage');
    undetected.sort((a, b) => a.location.start.line - b.location.start.line);
    for (const m of undetected) {
      const line = m.location.start.line;
      const original = cell((lines[line - 1] ?? '').trim().slice(0, 90));
      const replacement = cell((m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 60));
      left.push(
        `| \`${file}:${line}:${m.location.start.column}\` | ${m.status}${m.static ? ' (static)' : ''} | ${m.mutatorName} | \`${original}\` → \`${replacement}\` |`,
      );
    }
  }
  add(total, groupCounts);
  table.push(row(`**${group}**`, groupCounts), ...fileRows);
}
if (inputs.length > 1) table.push(row('**all of these**', total));
console.log(table.join('\n'));
console.log('\n| mutant | status | mutator | original → replacement |\n|---|---|---|---|');
console.log(left.join('\n'));
