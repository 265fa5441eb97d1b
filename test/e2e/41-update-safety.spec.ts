/**
 * Update safety. A tab runs build 1; build 2 is deployed on the same origin with every one of build 1's
 * chunks gone (it is built into another assets folder). Build 1's lazy screens still open — its service
 * worker's precache answers for them — and build 1 still boots with the server gone. The "new version
 * ready" banner appears while the tab is open, never on a check-in, and the page reloads into build 2 only
 * when the user presses the button.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import type { DemoJson } from '../../server/demo-page';
import { buildApp } from '../support/app-build';
import { e2eEnv } from '../support/e2e-data';
import { expect, test } from '../support/fixtures';
import type { E2eServer } from '../support/server-process';

const BUILD_2_VERSION = '99.0.0-build2';

// Its own server: it deploys another build on it.
test.use({ serverOptions: { own: true } });

let dist2: string;
let server: E2eServer;
let context: BrowserContext;
let page: Page;

test.describe.configure({ mode: 'serial' });

// One tab through every deploy (the app page fixture is per test).
test.beforeAll(async ({ browser, server: worker }) => {
  server = worker;
  dist2 = mkdtempSync(join(tmpdir(), 'singgah-e2e-build2-'));
  buildApp(e2eEnv().data, dist2, { SINGGAH_APP_VERSION: BUILD_2_VERSION, SINGGAH_ASSETS_DIR: 'assets-2' });
  context = await browser.newContext({ viewport: { width: 360, height: 640 } });
  page = await context.newPage();
});

test.afterAll(async () => {
  await context?.close();
  rmSync(dist2, { recursive: true, force: true });
});

/** The server on the same origin with `dist` deployed, or gone (undefined). */
async function deploy(dist: string | undefined) {
  if (dist) await server.start(dist);
  else await server.stop();
}

const origin = () => server.url;

/** Through the in-app navigation (no page load): the screen's lazy chunk has to come from somewhere. */
async function openByNav(name: RegExp, heading: RegExp) {
  await page.getByRole('navigation').getByRole('link', { name }).click();
  await expect(page.locator('main h1')).toHaveText(heading);
  await expect(page.locator('.lazy-loading')).toHaveCount(0);
  await expect(page.getByTestId('lazy-failed')).toHaveCount(0);
}

async function openHistoryAndSettings() {
  await openByNav(/^(Riwayat|History)$/, /Riwayat|history/i);
  await openByNav(/^(Pengaturan|Settings)$/, /Pengaturan|Settings/);
  await expect(page.getByTestId('app-version')).toBeVisible();
}

const waitingWorker = () => page.evaluate(async () => !!(await navigator.serviceWorker.getRegistration('/'))?.waiting);

test('build 1 is installed: the worker controls the tab and the rules are stored', async () => {
  await deploy(e2eEnv().dist);
  await page.goto(`${origin()}/`);
  await expect(page.getByTestId('bundle-status')).toHaveAttribute('data-version', /^\d+$/);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
    }
  });
});

test("build 2 deployed without build 1's chunks: build 1's lazy screens still open in the open tab", async () => {
  const build1Chunks = readdirSync(join(e2eEnv().dist, 'assets')).filter((f) => f.endsWith('.js'));
  await deploy(dist2);
  for (const chunk of build1Chunks) {
    expect((await fetch(`${origin()}/assets/${chunk}`)).status, chunk).toBe(404);
  }
  // Opened for the first time in this tab: their chunks come from build 1's precache, not the server.
  await openHistoryAndSettings();
  await expect(page.getByTestId('app-version')).not.toHaveText(BUILD_2_VERSION);
});

test('the "new version ready" banner waits while a check-in is open and never reloads by itself', async () => {
  // The hospital: it admits a phone without certificates (only black is sent to another entrance), so the
  // check-in button is there; a government office would refuse, and offer no check-in at all.
  const hospital = ((await (await fetch(`${origin()}/demo.json`)).json()) as DemoJson).venues.find(
    (v) => v.category === 'health',
  );
  if (!hospital) throw new Error('no demo health venue');
  await page.goto(hospital.url);
  await expect(page.getByTestId('checkin-confirm')).toBeVisible();
  // A marker that only survives as long as the page is not reloaded.
  await page.evaluate(() => {
    (window as { stillBuild1?: boolean }).stillBuild1 = true;
  });
  // The app looks for updates when the network comes back (and on visibility, and hourly).
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await expect.poll(waitingWorker, { timeout: 30_000 }).toBe(true);
  await page.waitForTimeout(500);
  await expect(page.getByTestId('update-banner')).toHaveCount(0);
  await expect(page.getByTestId('checkin-confirm')).toBeVisible();

  await page.getByRole('link', { name: /^(Beranda|Home)$/ }).click();
  await expect(page.getByTestId('update-banner')).toBeVisible();
  await page.waitForTimeout(1000);
  expect(await page.evaluate(() => (window as { stillBuild1?: boolean }).stillBuild1)).toBe(true);
});

test('with the server gone, build 1 still boots and its lazy screens open', async () => {
  await deploy(undefined);
  await page.goto(`${origin()}/`);
  await expect(page.getByTestId('scan-button')).toBeVisible();
  await expect(page.getByTestId('bundle-status')).toHaveAttribute('data-version', /^\d+$/);
  await openHistoryAndSettings();
  await expect(page.getByTestId('app-version')).not.toHaveText(BUILD_2_VERSION);
  // The new version still waits for the user, offline too.
  await expect(page.getByTestId('update-banner')).toBeVisible();
});

test('back online, the user presses reload: the tab runs build 2', async () => {
  await deploy(dist2);
  await page.getByTestId('update-banner').getByRole('button').click();
  await expect(page.getByTestId('update-banner')).toHaveCount(0);
  await page
    .getByRole('navigation')
    .getByRole('link', { name: /^(Pengaturan|Settings)$/ })
    .click();
  await expect(page.getByTestId('app-version')).toHaveText(BUILD_2_VERSION);
  await expect(page.getByTestId('lazy-failed')).toHaveCount(0);
});

test('a newer version activated from another tab: this tab still offers the reload, and the reload brings it', async () => {
  // The next release (build 1's files again, a different worker script) while two tabs run build 2.
  await deploy(e2eEnv().dist);
  const other = await context.newPage();
  await other.goto(`${origin()}/`);
  await expect(other.getByTestId('scan-button')).toBeVisible();
  await page.goto(`${origin()}/`);
  await expect(page.getByTestId('scan-button')).toBeVisible();
  await other.evaluate(() => window.dispatchEvent(new Event('online')));
  await expect.poll(waitingWorker, { timeout: 30_000 }).toBe(true);
  await expect(other.getByTestId('update-banner')).toBeVisible();
  await expect(page.getByTestId('update-banner')).toBeVisible();

  // The other tab goes first: the new worker activates and takes over this tab too, under build 2's code.
  await other.getByTestId('update-banner').getByRole('button').click();
  await expect.poll(waitingWorker).toBe(false);
  await other.close();
  // Here the button has no waiting worker left to start: it must still reload into the new version.
  await expect(page.getByTestId('update-banner')).toBeVisible();
  await page.getByTestId('update-banner').getByRole('button').click();
  await expect(page.getByTestId('update-banner')).toHaveCount(0);
  await openHistoryAndSettings();
  await expect(page.getByTestId('app-version')).not.toHaveText(BUILD_2_VERSION);
  expect(await page.evaluate(() => document.querySelector('script[type="module"][src]')?.getAttribute('src'))).toMatch(
    /^\/assets\//,
  );
});
