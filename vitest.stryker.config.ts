import { defineConfig } from 'vitest/config';

/**
 * The tests `npm run mutation` (Stryker, stryker.config.mjs) runs against each mutant of src/core and the
 * server's verifiers: the unit tests of core, the in-process tests of the DSC reader, of `cert inspect`'s verdicts
 * and of the published bundle read back (called directly: the CLI tests that run `bin/singgah.mjs` in a child
 * process reach no mutant Stryker can see). Left out on purpose:
 * the fast-check property files (they cost 50 s a pass) and every test that starts PGlite, a server or a
 * browser — and test/core/dcc-codec.test.ts, which loads core afresh inside its tests (vi.resetModules): a module's
 * top-level code would then run inside a test as well as at load, and Stryker, counting such a mutant as reached
 * by that test only, would re-run just that test against a table or constant the other files had already read —
 * a survivor whatever they check. Every other test file imports core statically, so top-level mutants are purely
 * static (ignored and counted apart). The smaller properties inside unit tests stay, all drawn from one fixed seed
 * (test/support/mutation-seed.ts), so a mutant's fate does not change from run to run.
 *
 * MUTATION_TESTS=<file,file…> runs only those test files: a quick loop while killing one file's survivors
 * (with `--mutate <file>`); its survivors are an upper bound, since the left-out tests may kill more.
 */
export default defineConfig({
  test: {
    include: process.env.MUTATION_TESTS?.split(',') ?? [
      'test/core/**/*.test.ts',
      'test/server/cli/dcc-trust.test.ts',
      'test/server/cert-inspect.test.ts',
      'test/server/authority/published-bundle.test.ts',
    ],
    exclude: [
      'test/core/properties.test.ts',
      'test/core/dcc-codec.test.ts',
      'test/core/dcc/properties.test.ts',
      'test/core/shc/properties.test.ts',
      '**/node_modules/**',
    ],
    environment: 'node',
    setupFiles: ['test/support/mutation-seed.ts'],
    testTimeout: 90_000,
    hookTimeout: 120_000,
  },
});
