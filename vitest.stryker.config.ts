import { defineConfig } from 'vitest/config';

/**
 * The tests `npm run mutation` (Stryker, stryker.config.json) runs against each mutant of src/core and the
 * server's verifiers: the unit tests of core and the in-process tests of the DSC reader. Left out on purpose:
 * the fast-check property files (random inputs: a mutant's fate would change from run to run, which breaks
 * incremental runs, and they cost 40 s a pass) and every test that starts PGlite, a server or a browser.
 */
export default defineConfig({
  test: {
    include: ['test/core/**/*.test.ts', 'test/server/cli/dcc-trust.test.ts'],
    exclude: ['test/core/properties.test.ts', 'test/core/dcc/properties.test.ts', '**/node_modules/**'],
    environment: 'node',
    testTimeout: 90_000,
    hookTimeout: 120_000,
  },
});
