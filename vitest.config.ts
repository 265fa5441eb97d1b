import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', '**/node_modules/**', '**/dist/**'],
    environment: 'node',
    testTimeout: 90_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores: one on CI's two. Most of the slow files wait on
    // child processes (the CLI, the server, a PostgreSQL cluster), so two workers use both cores.
    maxWorkers: 2,
  },
});
