/**
 * "Delete all my data" is reflected on every screen at once: the same page, without "start fresh" or a reload,
 * lists no certificate, no person, no visit, no open check-in and no exposure — and shows no storage error for the
 * store it just closed. Only "start fresh" brings the app back to life (a new empty database).
 */
import type { Page } from '@playwright/test';
import { checkIn, expectAxeClean, importCertificate, openHome } from '../support/app-page';
import { type Demo, expect, test } from '../support/fixtures';
import type { E2eServer } from '../support/server-process';

// Its own server: what this spec stores there stays out of the other specs' way.
test.use({ serverOptions: { own: true } });

let server: E2eServer;
let demo: Demo;
test.beforeAll(({ server: worker, demo: json }) => {
  server = worker;
  demo = json;
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
  await openHome(page, `${server.url}/`);
  const certs = demo.certificates.filter((c) => c.kind === 'vaccination').slice(0, 3);
  for (const c of certs) await importCertificate(page, c.url);
  const venue = demo.venues.find((v) => v.name === 'Masjid Agung Jawa Tengah') ?? demo.venues[0];
  await checkIn(page, venue.url);

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
  await expectAxeClean(page);

  await page.getByTestId('data-deleted-banner').getByTestId('fresh-start').click();
  await expect(page.getByTestId('bundle-status')).toHaveAttribute('data-version', /^\d+$/);
  await expect(page.getByTestId('data-deleted-banner')).toHaveCount(0);
  await expect(page.getByTestId('person')).toHaveCount(0);
  expect(errors).toEqual([]);
});
