import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './test/support/chromium';

// The system Chromium is used (browsers cannot be downloaded here); see test/README.md.
// Specs that need a fake camera launch their own browser, because the Y4M file is a launch argument.
export default defineConfig({
  testDir: 'test/e2e',
  // A fresh demo authority and an app build pinned to its root key; specs start the server.
  globalSetup: './test/e2e/global-setup.ts',
  // Each worker has its own server, data dir copy and browsers (support/fixtures.ts), so specs in two workers
  // cannot see each other's state; two use CI's two cores.
  workers: 2,
  fullyParallel: false,
  // No retries, in CI either: a flaky test must be fixed, not retried.
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  outputDir: 'test-results/e2e-artifacts',
  use: {
    browserName: 'chromium',
    launchOptions: chromiumLaunchOptions(),
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [{ name: 'chromium' }],
});
