import fc from 'fast-check';

/**
 * Loaded only by vitest.stryker.config.ts: every fast-check property in a mutation run draws the same inputs,
 * so a mutant's fate does not change from run to run (incremental runs reuse it) and the dry run's coverage
 * holds for the mutant runs.
 */
fc.configureGlobal({ seed: 20_260_101 });
