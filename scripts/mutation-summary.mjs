#!/usr/bin/env node
/**
 * Summarises Stryker's results as the Markdown tables of docs/SECURITY.md, "Mutation testing": per group of
 * stryker.config.mjs and per file the mutants by status and the score, a total for src/core (the target) and
 * for everything, then every surviving or uncovered mutant with its line, its replacement and — where
 * scripts/mutation-notes.json has one — what it is. The published list is the report's, not a hand copy.
 *
 *   node scripts/mutation-summary.mjs reports/mutation/all.json …      finished runs (JSON reporter)
 *   node scripts/mutation-summary.mjs reports/mutation/events-all …    a run stopped part-way
 *
 * An events folder is what `--reporters …,event-recorder` writes as each mutant finishes; a run stopped before
 * its end leaves no JSON report, and its untested mutants are counted in a column of their own.
 * MUTATION_SOURCE_REV=<git revision> reads each mutant's line from the code the run mutated, when the working
 * tree has moved on since.
 *
 * A note in mutation-notes.json names a mutant by file, mutator, replacement and the text of its line (not its
 * line number, which moves with every edit above it); a note that matches no survivor is reported on stderr,
 * so stale notes do not pile up.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { GROUPS } from '../stryker.config.mjs';

const STATUSES = ['Killed', 'Timeout', 'Survived', 'NoCoverage', 'RuntimeError', 'CompileError', 'Pending'];
/**
 * Ignored mutants by why: static (module load code, `ignoreStatic`), a refusal's detail text (the ignorer in
 * scripts/stryker/) or a `// Stryker disable` comment with its reason in the code.
 */
const IGNORED = ['IgnoredStatic', 'IgnoredDetail', 'IgnoredOther'];

/** Stryker's score: detected (killed, timeout) over detected + undetected (survived, no coverage). */
function scoreOf(c) {
  const detected = c.Killed + c.Timeout;
  const valid = detected + c.Survived + c.NoCoverage;
  return valid === 0 ? '—' : `${((100 * detected) / valid).toFixed(1)} %`;
}

/** Code for a Markdown table cell: no backtick to end the span, pipes escaped so the row keeps its columns. */
const cell = (code) => code.replaceAll('`', "'").replaceAll('|', '\\|');

const emptyCounts = () => Object.fromEntries([...STATUSES, ...IGNORED].map((s) => [s, 0]));
function add(into, from) {
  for (const s of [...STATUSES, ...IGNORED]) into[s] += from[s];
}
function countOf(m) {
  if (m.status !== 'Ignored') return m.status;
  const why = m.statusReason ?? '';
  return /static/i.test(why) ? 'IgnoredStatic' : /detail/i.test(why) ? 'IgnoredDetail' : 'IgnoredOther';
}

const row = (name, c) =>
  `| ${name} | ${c.Killed} | ${c.Timeout} | ${c.Survived} | ${c.NoCoverage} | ${c.IgnoredStatic} | ${c.IgnoredDetail} | ${c.IgnoredOther} | ${c.Pending} | ${scoreOf(c)} |`;

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
    const result = tested.get(m.id) ?? (m.status === 'Ignored' ? m : { ...m, status: 'Pending' });
    const file = relative(process.cwd(), m.fileName);
    byFile[file] ??= [];
    byFile[file].push(result);
  }
  return byFile;
}

/** The group of stryker.config.mjs a file belongs to (its patterns use only `*` and `**\/`). */
const groupMatchers = Object.entries(GROUPS).flatMap(([group, patterns]) =>
  patterns.map((p) => {
    const re = p
      .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
      .replace(/\*\*\//g, '\0')
      .replace(/\*/g, '[^/]*')
      .replaceAll('\0', '(?:.*/)?');
    return { group, re: new RegExp(`^${re}$`) };
  }),
);
const groupOf = (file) => groupMatchers.find((g) => g.re.test(file))?.group ?? 'other';

const notes = JSON.parse(readFileSync(new URL('./mutation-notes.json', import.meta.url), 'utf8'));
const noteKey = (file, mutator, replacement, line) => [file, mutator, replacement, line].join('\u0000');
const noteOf = new Map(notes.map((n) => [noteKey(n.file, n.mutator, n.replacement, n.line), n.why]));
const usedNotes = new Set();

const inputs = process.argv.slice(2);
if (inputs.length === 0) {
  console.error('usage: node scripts/mutation-summary.mjs <report.json | events folder> …');
  process.exit(2);
}

const byFile = Object.assign({}, ...inputs.map(mutantsByFile));
const byGroup = {};
for (const [file, mutants] of Object.entries(byFile)) {
  byGroup[groupOf(file)] ??= [];
  byGroup[groupOf(file)].push([file, mutants]);
}
const core = emptyCounts();
const total = emptyCounts();
const table = [
  '| group / file | killed | timeout | survived | no coverage | ignored: static | ignored: detail text | ignored: by comment | not yet run | score |',
  '|---|---|---|---|---|---|---|---|---|---|',
];
const left = [];
for (const group of Object.keys(byGroup).sort()) {
  const groupCounts = emptyCounts();
  const fileRows = [];
  for (const [file, mutants] of byGroup[group].sort(([a], [b]) => a.localeCompare(b))) {
    const counts = emptyCounts();
    for (const m of mutants) counts[countOf(m)] += 1;
    add(groupCounts, counts);
    fileRows.push(row(`\`${file}\``, counts));
    const rev = process.env.MUTATION_SOURCE_REV;
    const source = rev
      ? execFileSync('git', ['show', `${rev}:${file}`], { encoding: 'utf8' })
      : readFileSync(file, 'utf8');
    const lines = source.split('\n');
    const undetected = mutants.filter((x) => x.status === 'Survived' || x.status === 'NoCoverage');
    undetected.sort(
      (a, b) => a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column,
    );
    for (const m of undetected) {
      const text = (lines[m.location.start.line - 1] ?? '').trim();
      const replacement = (m.replacement ?? '').replace(/\s+/g, ' ');
      const key = noteKey(file, m.mutatorName, replacement, text);
      const why = noteOf.get(key) ?? '';
      if (why) usedNotes.add(key);
      left.push(
        `| \`${file}:${m.location.start.line}:${m.location.start.column}\` | ${m.status} | ${m.mutatorName} | \`${cell(text.slice(0, 90))}\` → \`${cell(replacement.slice(0, 60))}\` | ${why} |`,
      );
    }
  }
  add(total, groupCounts);
  if (group.startsWith('core-')) add(core, groupCounts);
  table.push(row(`**${group}**`, groupCounts), ...fileRows);
}
table.push(row('**src/core (the core-* groups)**', core));
if (Object.keys(byGroup).some((g) => !g.startsWith('core-'))) table.push(row('**all groups**', total));
console.log(table.join('\n'));
console.log('\n| mutant | status | mutator | line → replacement | what it is |\n|---|---|---|---|---|');
console.log(left.join('\n'));
for (const n of notes) {
  if (!usedNotes.has(noteKey(n.file, n.mutator, n.replacement, n.line))) {
    console.error(`note matches no undetected mutant: ${n.file} ${n.mutator} ${n.replacement}`);
  }
}
