/**
 * Server pages stay server pages once the service worker controls the origin: after the app was opened,
 * `/demo`, `/healthz` and `/v1/…` typed into the same browser reach the server, not the app's shell. A path that
 * is neither the app's nor the server's gets the app's own "page not found" screen, with a way home.
 */
import type { Page } from '@playwright/test';
import { en } from '../../src/ui/i18n/en';
import { id } from '../../src/ui/i18n/id';
import { expectAxeClean, waitForServiceWorker } from '../support/app-page';
import { expect, test } from '../support/fixtures';
import type { E2eServer } from '../support/server-process';

// Its own server: what this spec stores there stays out of the other specs' way.
test.use({ serverOptions: { own: true } });

let server: E2eServer;
test.beforeAll(({ server: worker }) => {
  server = worker;
});

async function openAppUnderWorker(page: Page) {
  await page.goto(`${server.url}/`);
  await expect(page.getByTestId('scan-button')).toBeVisible();
  await waitForServiceWorker(page);
}

test('after the worker controls the page, /demo, /healthz and /v1/… are answered by the server', async ({ page }) => {
  await openAppUnderWorker(page);

  const demo = await page.goto(`${server.url}/demo`);
  // The server's demo page, not the app's shell answered from the precache.
  expect(demo?.fromServiceWorker()).toBe(false);
  await expect(page).toHaveTitle('Singgah — Demo');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Singgah — Demo');
  await expect(page.getByTestId('scan-button')).toHaveCount(0);

  const health = await page.goto(`${server.url}/healthz`);
  expect(health?.fromServiceWorker()).toBe(false);
  expect(health?.headers()['content-type']).toMatch(/json/);

  const api = await page.goto(`${server.url}/v1/no-such-route`);
  expect(api?.status()).toBe(404);
  expect(api?.headers()['content-type']).toMatch(/json/);

  // The app's own routes are still answered by the worker (offline-capable).
  const home = await page.goto(`${server.url}/history`);
  expect(home?.fromServiceWorker()).toBe(true);
  await expect(page.getByTestId('history-retention')).toBeVisible();
});

test('an unknown path shows a translated "page not found" screen with a way home, axe clean', async ({ page }) => {
  await openAppUnderWorker(page);
  await page.goto(`${server.url}/no-such-page`);
  const notFound = page.getByTestId('not-found');
  await expect(notFound).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(id.notFound.title);
  await expect(notFound).toContainText('/no-such-page');
  await expectAxeClean(page);
  await page.evaluate(() => localStorage.setItem('singgah.lang', 'en'));
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(en.notFound.title);
  await page.getByTestId('not-found-home').click();
  await expect(page).toHaveURL(`${server.url}/`);
  await expect(page.getByTestId('scan-button')).toBeVisible();
});
