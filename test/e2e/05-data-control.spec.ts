/**
 * The user's control of their data, in a real Chromium against the real server (own copy of the
 * data dir): export → delete all (no IndexedDB database, no cache, no service worker left) → fresh start →
 * import restores the same certificates and history; a bad file changes nothing; the recycle bin (delete →
 * restore) and a second tab following the first through the store's BroadcastChannel.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import { checkIn, expectAxeClean, importCertificate, openHome, waitForServiceWorker } from '../support/app-page';
import type { DemoEntry } from '../support/e2e-data';
import { expect, test } from '../support/fixtures';
import type { E2eServer } from '../support/server-process';

// Its own server: what this spec stores there stays out of the other specs' way.
test.use({ serverOptions: { own: true } });

let server: E2eServer;
let work: string;
let office: DemoEntry;
let certs: DemoEntry[];

test.beforeAll(async ({ server: worker }) => {
  server = worker;
  work = mkdtempSync(join(tmpdir(), 'singgah-export-'));
  const demo: { venues: DemoEntry[]; certificates: DemoEntry[] } = await (
    await fetch(`${server.url}/demo.json`)
  ).json();
  const venue = demo.venues.find((v) => v.name === 'Kantor Gubernur Kalimantan Timur');
  const budi = demo.certificates.find((c) => c.holder === 'Budi Santoso' && c.kind === 'vaccination');
  const other = demo.certificates.find((c) => c.holder && c.holder !== 'Budi Santoso');
  if (!venue || !budi || !other) throw new Error('demo venue or certificates missing from /demo.json');
  office = venue;
  certs = [budi, other];
});

test.afterAll(async () => {
  if (work) rmSync(work, { recursive: true, force: true });
});

async function expectAccessible(page: Page) {
  await expectAxeClean(page);
}

/** A fresh start: the verified bundle is stored and the service worker controls the page. */
async function openApp(page: Page) {
  await openHome(page, `${server.url}/`);
  await waitForServiceWorker(page);
}

async function importCertificates(page: Page) {
  for (const c of certs) {
    await importCertificate(page, c.url);
  }
}

const walletNames = (page: Page) =>
  page.getByTestId('wallet-certificate').getByTestId('certificate-holder-name').allTextContents();

async function newContext(browser: import('@playwright/test').Browser): Promise<BrowserContext> {
  return browser.newContext({ acceptDownloads: true });
}

test('export → delete all (nothing left) → fresh start → import restores certificates and history', async ({
  browser,
}) => {
  const context = await newContext(browser);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));

  await openApp(page);
  await importCertificates(page);
  // A check-in by opening the poster's link (no camera needed).
  await checkIn(page, office.url);

  await page.goto(`${server.url}/settings`);
  await expect(page.getByTestId('wallet-certificate')).toHaveCount(2);
  const names = (await walletNames(page)).sort();
  expect(names).toEqual(certs.map((c) => c.holder).sort());
  // Persistence was requested after the first import; the answer and the usage are shown.
  await expect(page.getByTestId('storage-persisted')).toHaveAttribute('data-persisted', /^(true|false)$/);
  await expect(page.getByTestId('storage-estimate')).not.toBeEmpty();
  await expectAccessible(page);

  // Export: a JSON download with both certificates and the visit.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-data').click()]);
  expect(download.suggestedFilename()).toMatch(/^singgah-export-\d{4}-\d{2}-\d{2}\.json$/);
  const file = join(work, 'export.json');
  await download.saveAs(file);
  const exported = JSON.parse(readFileSync(file, 'utf8'));
  expect(exported.format).toBe('singgah-export');
  expect(exported.certificates).toHaveLength(2);
  expect(exported.checkins).toHaveLength(1);

  // Delete all: a confirm step, then nothing of ours is left in the browser.
  await page.getByTestId('delete-all').click();
  await expectAccessible(page);
  await page.getByTestId('delete-all-confirm').click();
  // Four storage steps in a row (databases, caches, the worker, localStorage): with two browsers on two cores they
  // have taken over 10 s together. The claim is that they all finish, not how fast.
  await expect(page.getByTestId('delete-all-done')).toBeVisible({ timeout: 30_000 });
  const left = await page.evaluate(async () => ({
    databases: (await indexedDB.databases()).map((d) => d.name),
    caches: await caches.keys(),
    workers: (await navigator.serviceWorker.getRegistrations()).length,
    localStorage: localStorage.length,
  }));
  expect(left).toEqual({ databases: [], caches: [], workers: 0, localStorage: 0 });

  // Fresh start: an empty app (it downloads the rules again).
  await page.getByTestId('fresh-start').click();
  await expect(page.getByTestId('bundle-status')).toHaveAttribute('data-version', /^\d+$/);
  await page.goto(`${server.url}/settings`);
  await expect(page.getByTestId('wallet-certificate')).toHaveCount(0);
  await page.goto(`${server.url}/history`);
  await expect(page.getByTestId('history-item')).toHaveCount(0);

  // Import the file: the same certificates and the same visit are back.
  await page.goto(`${server.url}/settings`);
  await page.getByTestId('import-data').setInputFiles(file);
  await expect(page.getByTestId('import-data-result')).toHaveAttribute('data-kind', 'done');
  await expect(page.getByTestId('wallet-certificate')).toHaveCount(2);
  expect((await walletNames(page)).sort()).toEqual(names);
  await page.goto(`${server.url}/history`);
  await expect(page.getByTestId('history-item')).toHaveCount(1);
  await expect(page.getByTestId('history-item').first()).toContainText('Kantor Gubernur Kalimantan Timur');

  expect(errors).toEqual([]);
  await context.close();
});

test('recycle bin: delete → gone → restore → back; a second tab follows; a bad import changes nothing', async ({
  browser,
}) => {
  const context = await newContext(browser);
  const page = await context.newPage();
  await openApp(page);
  await importCertificates(page);

  await page.goto(`${server.url}/settings`);
  const other = await context.newPage();
  await other.goto(`${server.url}/settings`);
  await expect(other.getByTestId('wallet-certificate')).toHaveCount(2);

  const [first] = await walletNames(page);
  await page.getByTestId('certificate-delete').first().click();
  await expect(page.getByTestId('wallet-certificate')).toHaveCount(1);
  await expect(page.getByTestId('wallet-certificate')).not.toContainText(first);
  await expect(page.getByTestId('recycle-bin-item')).toHaveCount(1);
  await expect(page.getByTestId('recycle-bin-item')).toContainText(first);
  await expectAccessible(page);
  // The other tab re-read the store on the BroadcastChannel message.
  await expect(other.getByTestId('wallet-certificate')).toHaveCount(1);
  await expect(other.getByTestId('recycle-bin-item')).toHaveCount(1);

  await page.getByTestId('certificate-restore').click();
  await expect(page.getByTestId('recycle-bin-item')).toHaveCount(0);
  await expect(page.getByTestId('wallet-certificate')).toHaveCount(2);
  await expect(page.getByTestId('wallet-certificate').filter({ hasText: first })).toHaveCount(1);
  await expect(other.getByTestId('wallet-certificate')).toHaveCount(2);

  // Not an export file: a translated error with its code, nothing changed.
  await page.getByTestId('import-data').setInputFiles({
    name: 'not-an-export.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"format":"something-else"}'),
  });
  await expect(page.getByTestId('import-data-result')).toHaveAttribute('data-kind', 'error');
  await expect(page.getByTestId('import-data-result')).toHaveAttribute('data-code', 'IMPORT_INVALID');
  await expect(page.getByTestId('wallet-certificate')).toHaveCount(2);

  await context.close();
});
