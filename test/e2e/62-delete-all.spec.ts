/**
 * "Delete all my data" is reflected on every screen at once: the same page, without "start fresh" or a reload,
 * lists no certificate, no person, no visit, no open check-in and no exposure — and shows no storage error for the
 * store it just closed. Only "start fresh" brings the app back to life (a new empty database).
 */
import { rmSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { importCertificate } from '../support/app-page';
import { copyDataDir, type DemoEntry, e2eEnv } from '../support/e2e-data';
import { type ServerProcess, startServerProcess } from '../support/server-process';

let server: ServerProcess;
let dataDir: string;
let demo: { venues: DemoEntry[]; certificates: DemoEntry[] };

test.beforeAll(async () => {
  dataDir = copyDataDir('delete-all');
  server = await startServerProcess(dataDir, e2eEnv().dist);
  demo = await (await fetch(`${server.url}/demo.json`)).json();
});

test.afterAll(async () => {
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** In-app navigation (a click on the nav link, no page load), as a user moves between screens. */
async function goTo(page: Page, path: string) {
  await page.locator(`nav a[href="${path}"]`).click();
  await expect(page).toHaveURL(new RegExp(`${path}$`));
}

test('after delete all, Settings, Wallet, History and Home are empty at once, with no storage error', async ({
  page,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}/`);
  await expect(page.getByTestId('bundle-status')).toHaveAttribute('data-version', /^\d+$/);
  const certs = demo.certificates.filter((c) => c.kind === 'vaccination').slice(0, 3);
  for (const c of certs) await importCertificate(page, c.url);
  const venue = demo.venues.find((v) => v.name === 'Masjid Agung Jawa Tengah') ?? demo.venues[0];
  await page.goto(venue.url);
  await page.getByTestId('checkin-confirm').click();
  await expect(page.getByTestId('checkin-done')).toBeVisible();

  await page.goto(`${server.url}/settings`);
  await expect(page.getByTestId('wallet-certificate')).toHaveCount(certs.length);
  await page.getByTestId('delete-all').click();
  await page.getByTestId('delete-all-confirm').click();
  await expect(page.getByTestId('delete-all-done')).toBeVisible();
  // The same screen: no certificate and no Delete button left.
  await expect(page.getByTestId('wallet-certificate')).toHaveCount(0);
  await expect(page.getByTestId('certificate-delete')).toHaveCount(0);
  await expect(page.getByTestId('settings-bundle-version')).toHaveCount(0);

  await goTo(page, '/wallet');
  await expect(page.getByTestId('wallet-person')).toHaveCount(0);
  await expect(page.getByTestId('wallet-cert')).toHaveCount(0);
  await goTo(page, '/history');
  await expect(page.getByTestId('history-item')).toHaveCount(0);
  await goTo(page, '/');
  await expect(page.getByTestId('person')).toHaveCount(0);
  await expect(page.getByTestId('home-checkout')).toHaveCount(0);
  await expect(page.getByTestId('bundle-status')).not.toHaveAttribute('data-version', /./);
  // Every screen says the data is gone and offers the fresh start; no "storage unavailable" for the closed store.
  await expect(page.getByTestId('data-deleted-banner')).toBeVisible();
  await expect(page.getByTestId('storage-error')).toHaveCount(0);
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);

  await page.getByTestId('data-deleted-banner').getByTestId('fresh-start').click();
  await expect(page.getByTestId('bundle-status')).toHaveAttribute('data-version', /^\d+$/);
  await expect(page.getByTestId('data-deleted-banner')).toHaveCount(0);
  await expect(page.getByTestId('person')).toHaveCount(0);
  expect(errors).toEqual([]);
});
