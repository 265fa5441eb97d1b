/**
 * Issue 4, storage faults in Chromium (the fake-indexeddb unit tests cover the same faults in the store):
 * - quota: after one check-in is stored, the origin's quota is shrunk below its usage through the DevTools
 *   protocol (`Storage.overrideQuotaForOrigin`); the next check-in fails with the translated "storage is full"
 *   message, the first check-in is still in history and the outbox is unchanged;
 * - corrupt record: a malformed check-in written straight into IndexedDB is quarantined on the next read; the
 *   app loads and shows the good visits, with no page error.
 * The app and the demo authority are the global-setup ones (nothing here changes the authority).
 */
import { type BrowserContext, expect, type Page, test } from '@playwright/test';
import { id } from '../../src/ui/i18n/id';
import type { DemoEntry } from '../support/e2e-data';
import { e2eEnv } from '../support/e2e-data';
import { type ServerProcess, startServerProcess } from '../support/server-process';

let server: ServerProcess;
let demo: { venues: DemoEntry[]; certificates: DemoEntry[] };

test.beforeAll(async () => {
  const { data, dist } = e2eEnv();
  server = await startServerProcess(data, dist);
  demo = await (await fetch(`${server.url}/demo.json`)).json();
});

test.afterAll(async () => {
  await server?.stop();
});

const OFFICE = 'Kantor Gubernur Kalimantan Timur';

function venueLink(name?: string): DemoEntry {
  const v = name ? demo.venues.find((x) => x.name === name) : demo.venues.find((x) => x.name !== OFFICE);
  if (!v) throw new Error(`demo venue ${name ?? '(other)'} missing`);
  return v;
}

async function openApp(context: BrowserContext): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}/`);
  await expect(page.getByTestId('bundle-status')).toHaveAttribute('data-version', /^\d+$/);
  return { page, errors };
}

async function importBudi(page: Page) {
  const budi = demo.certificates.find((c) => c.holder === 'Budi Santoso' && c.kind === 'vaccination');
  if (!budi) throw new Error('demo certificate missing');
  await page.goto(budi.url);
  await page.getByTestId('import-confirm').click();
  await expect(page.getByTestId('import-done')).toBeVisible();
}

async function checkInAt(page: Page, venue: DemoEntry) {
  await page.goto(venue.url);
  await expect(page.getByTestId('checkin-confirm')).toBeEnabled();
  await page.getByTestId('checkin-confirm').click();
}

/** Records in a store of the app's database, read with the raw IndexedDB API in the page. */
function countIn(page: Page, store: string): Promise<number> {
  return page.evaluate(
    (name) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('singgah');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const req = db.transaction(name, 'readonly').objectStore(name).count();
          req.onsuccess = () => {
            db.close();
            resolve(req.result);
          };
          req.onerror = () => {
            db.close();
            reject(req.error);
          };
        };
      }),
    store,
  );
}

/** Write 1 MiB of random bytes to a scratch database; 'ok' or the error's name. The database is deleted. */
function overQuotaProbe(page: Page): Promise<string> {
  return page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        const name = 'singgah-quota-probe';
        const done = (result: string) => {
          indexedDB.deleteDatabase(name);
          resolve(result);
        };
        const open = indexedDB.open(name, 1);
        open.onupgradeneeded = () => open.result.createObjectStore('s');
        open.onerror = () => done(open.error?.name ?? 'open failed');
        open.onsuccess = () => {
          const db = open.result;
          const bytes = new Uint8Array(1 << 20);
          for (let i = 0; i < bytes.length; i += 65_536) crypto.getRandomValues(bytes.subarray(i, i + 65_536));
          const tx = db.transaction('s', 'readwrite', { durability: 'strict' });
          tx.objectStore('s').put(bytes, 1);
          tx.oncomplete = () => {
            db.close();
            done('ok');
          };
          tx.onabort = () => {
            db.close();
            done(tx.error?.name ?? 'aborted');
          };
        };
      }),
  );
}

test('quota exceeded on a check-in: translated error shown, the earlier check-in still in history, outbox unchanged', async ({
  browser,
}) => {
  const context = await browser.newContext();
  const { page, errors } = await openApp(context);
  await importBudi(page);

  // 1. One check-in, stored (with its outbox entry).
  await checkInAt(page, venueLink(OFFICE));
  await expect(page.getByTestId('checkin-done')).toBeVisible();
  expect(await countIn(page, 'checkins')).toBe(1);
  const outboxBefore = await countIn(page, 'outbox');
  expect(outboxBefore).toBeGreaterThanOrEqual(1);

  // 2. The origin's quota shrunk below what it already uses: every further write is over quota.
  const cdp = await context.newCDPSession(page);
  const origin = new URL(server.url).origin;
  const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: Math.max(1, Math.floor(usage / 2)) });
  // Does this Chromium enforce the override on IndexedDB writes? (Chromium 156 registers it —
  // Storage.getUsageAndQuota reports it — but commits IndexedDB writes far past it.) Probed on a scratch
  // database with incompressible data, so the app's own database is untouched.
  const probe = await overQuotaProbe(page);
  const version = browser.version();
  if (probe !== 'QuotaExceededError') await context.close();
  test.skip(
    probe !== 'QuotaExceededError',
    `this Chromium (${version}) does not enforce Storage.overrideQuotaForOrigin on IndexedDB: a 1 MiB write over the overridden quota ended with "${probe}"`,
  );

  // 3. A second check-in (another venue: the office now offers check-out) fails, and says why.
  await checkInAt(page, venueLink());
  const error = page.getByTestId('checkin-error');
  await expect(error).toBeVisible();
  // The app's default language (Indonesian): the message from the dictionary, not the raw code.
  await expect(error).toHaveText(id.error.STORAGE_QUOTA_EXCEEDED);
  await expect(page.getByTestId('checkin-done')).toHaveCount(0);

  // 4. Nothing stored earlier is lost, nothing half-written: one check-in, the same outbox.
  expect(await countIn(page, 'checkins')).toBe(1);
  expect(await countIn(page, 'outbox')).toBe(outboxBefore);
  await page.goto(`${server.url}/history`);
  await expect(page.getByTestId('history-item')).toHaveCount(1);
  await expect(page.getByTestId('history-item').first()).toContainText(OFFICE);

  // 5. Quota back: the same check-in now works (the failure was reported, not the store broken).
  await cdp.send('Storage.overrideQuotaForOrigin', { origin });
  await checkInAt(page, venueLink());
  await expect(page.getByTestId('checkin-done')).toBeVisible();
  expect(await countIn(page, 'checkins')).toBe(2);
  expect(await countIn(page, 'outbox')).toBe(outboxBefore + 1);

  expect(errors).toEqual([]);
  await context.close();
});

test('a corrupt check-in record written straight into IndexedDB is quarantined on reload; the good visits still show, no crash', async ({
  browser,
}) => {
  const context = await browser.newContext();
  const { page, errors } = await openApp(context);
  await importBudi(page);
  await checkInAt(page, venueLink(OFFICE));
  await expect(page.getByTestId('checkin-done')).toBeVisible();
  expect(await countIn(page, 'quarantine')).toBe(0);

  // A record with an id and a time (so the history index sees it) but no venue name and a numeric venue code.
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('singgah');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction('checkins', 'readwrite');
          const now = Math.floor(Date.now() / 1000);
          tx.objectStore('checkins').put({
            id: 'ffffffffffffffffffffffffffffffff',
            venueCode: 42,
            venueId: { not: 'a string' },
            people: 'nobody',
            checkedInAt: now + 60,
            autoCheckOutAt: 'later',
          });
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
  expect(await countIn(page, 'checkins')).toBe(2);

  // A fresh start of the app (the check-in screen was open).
  await page.goto(`${server.url}/`);
  await expect(page.getByTestId('bundle-status')).toHaveAttribute('data-version', /^\d+$/);
  await page.goto(`${server.url}/history`);
  await expect(page.getByTestId('history-item')).toHaveCount(1);
  await expect(page.getByTestId('history-item').first()).toContainText(OFFICE);
  await expect.poll(() => countIn(page, 'quarantine')).toBeGreaterThanOrEqual(1);
  expect(await countIn(page, 'checkins')).toBe(1);

  expect(errors).toEqual([]);
  await context.close();
});
