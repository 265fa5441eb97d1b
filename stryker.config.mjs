// @ts-check
import { readdirSync } from 'node:fs';

/**
 * Mutation testing of src/core and the server's verifiers (`npm run mutation`; docs/SECURITY.md, "Mutation
 * testing"). Not part of `npm test`: a full run takes most of an hour on two cores.
 *
 * MUTATION_GROUP=<name> mutates one group below (its own incremental file and reports), so a run fits in a
 * time box; without it every group is mutated in one run. Nothing is excluded from src/core: type-only files
 * (dcc/types.ts) yield no mutants by themselves, and the data tables (value-set names, error codes) are read
 * by code whose tests fail when a name changes.
 */
export const GROUPS = {
  // The EU DCC: decoders (base45, zlib, CBOR, COSE), signatures, schema, facts, revocation, EU rules.
  'core-dcc': ['src/core/dcc/**/*.ts', 'src/core/held-dcc.ts', 'src/core/bundle-dcc.ts', 'src/core/dcc-codec*.ts'],
  // SMART Health Cards: numeric QR text, chunks, JWS, raw DEFLATE, thumbprints, facts, revocation, bundle keys.
  'core-shc': ['src/core/shc/**/*.ts', 'src/core/bundle-shc.ts', 'src/core/held-shc.ts'],
  // Signatures and trust: bytes, Ed25519, the signed QR codes, the bundle, root rotation, the policy file,
  // the sealed case report and the check-in upload.
  'core-trust': [
    'src/core/bytes.ts',
    'src/core/ed25519.ts',
    'src/core/signed-qr.ts',
    'src/core/venue.ts',
    'src/core/certificate.ts',
    'src/core/qr-link.ts',
    'src/core/bundle.ts',
    'src/core/root.ts',
    'src/core/schema.ts',
    'src/core/policy-file.ts',
    'src/core/notice.ts',
    'src/core/notice-files.ts',
    'src/core/suspension.ts',
    'src/core/errors.ts',
    'src/core/case-seal.ts',
    'src/core/checkin-upload.ts',
  ],
  // Decisions: rules, eligibility, passes, admission, stay, occupancy, exposure and the small helpers.
  'core-decide': [
    'src/core/rule-logic.ts',
    'src/core/rule-data.ts',
    'src/core/eligibility.ts',
    'src/core/held-certificate.ts',
    'src/core/pass-facts.ts',
    'src/core/pass-code.ts',
    'src/core/admission.ts',
    'src/core/stay.ts',
    'src/core/occupancy.ts',
    'src/core/exposure.ts',
    'src/core/rules-cause.ts',
    'src/core/short-code.ts',
    'src/core/backoff.ts',
    'src/core/version.ts',
    'src/core/app-routes.ts',
  ],
  // The authority's verifiers: DSC certificates → signers, `cert inspect`, reading the published bundle back.
  server: ['server/dcc-trust.ts', 'server/cert-inspect.ts', 'server/authority/published-bundle.ts'],
};

// A core file in no group, or in two, would silently drop out of the score or count twice: refuse to run.
// (The patterns use only `*` and `**/`; Node 20 has no glob of its own.)
const matcherOf = (pattern) =>
  new RegExp(
    `^${pattern
      .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
      .replace(/\*\*\//g, '\0')
      .replace(/\*/g, '[^/]*')
      .replaceAll('\0', '(?:.*/)?')}$`,
  );
const matchers = Object.values(GROUPS).flat().map(matcherOf);
const coreFiles = readdirSync('src/core', { recursive: true })
  .map((file) => `src/core/${String(file)}`)
  .filter((file) => file.endsWith('.ts'));
const misgrouped = coreFiles.filter((file) => matchers.filter((m) => m.test(file)).length !== 1);
if (misgrouped.length > 0) throw new Error(`each src/core file must be in exactly one group: ${misgrouped.join(', ')}`);

const group = process.env.MUTATION_GROUP;
if (group !== undefined && !(group in GROUPS)) {
  throw new Error(`MUTATION_GROUP must be one of ${Object.keys(GROUPS).join(', ')}`);
}
// MUTATION_NAME names the reports of a run apart from a group's (the static sample: scripts/mutation-static-sample.mjs).
const name = process.env.MUTATION_NAME ?? group ?? 'all';
const out = 'reports/mutation';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/*', './scripts/stryker/detail-ignorer.mjs'],
  ignorers: ['detail'],
  vitest: { configFile: 'vitest.stryker.config.ts' },
  coverageAnalysis: 'perTest',
  mutate: group ? GROUPS[group] : Object.values(GROUPS).flat(),
  // The machine is shared: two test processes unless MUTATION_CONCURRENCY says otherwise.
  concurrency: Number(process.env.MUTATION_CONCURRENCY ?? 2),
  // A static mutant (in a module's top-level code: tables, constants) needs every test re-run in a fresh
  // process; they are counted as ignored, not tested, to keep a run within the hour.
  // MUTATION_STATIC=1 runs them after all, each against every test in a fresh process (the static sample).
  ignoreStatic: process.env.MUTATION_STATIC !== '1',
  timeoutMS: 20_000,
  // The first, unmutated run measures coverage per test; on a loaded machine it takes minutes.
  dryRunTimeoutMinutes: 30,
  // Results of unchanged code and tests are reused; the file is git-ignored (it churns with every run and
  // would conflict on every merge), so the first run on a fresh clone is a full one.
  incremental: true,
  incrementalFile: `${out}/${name}-incremental.json`,
  tempDirName: '.stryker-tmp',
  reporters: ['clear-text', 'html', 'json', 'progress-append-only'],
  htmlReporter: { fileName: `${out}/${name}.html` },
  jsonReporter: { fileName: `${out}/${name}.json` },
  clearTextReporter: { allowColor: false, logTests: false },
  // With `--reporters …,event-recorder`: one file per tested mutant as it finishes, readable before the run ends.
  eventReporter: { baseDir: `${out}/events-${name}` },
  thresholds: { high: 90, low: 80, break: null },
};
