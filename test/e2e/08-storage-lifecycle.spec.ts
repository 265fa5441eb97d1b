/**
 * the database's life outside the app's control, in Chromium:
 * - IndexedDB unavailable (a private window that refuses it, a browser without it): the app starts, says in
 *   words that storage is unavailable, still decides at a venue, and reports a check-in as failed.
 * - Another tab opens a newer database version (what an app update does): this tab closes its connection at
 *   once (the upgrade is not blocked), asks for a reload, reports a write attempted meanwhile as failed instead
 *   of dropping it, and after the reload everything is there.
 * - The browser killed (SIGKILL) in the middle of a bundle update — the new bundle and the raised trusted time
 *   written in their transaction, not committed — then started again on the same profile: the last good bundle
 *   loads, trusted time is unchanged, nothing is quarantined, and the next update goes through.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import { id } from '../../src/ui/i18n/id';
import { checkIn, importCertificate, openHome } from '../support/app-page';
import { killBrowser, launchProfile } from '../support/browser-profile';
import { type DemoEntry, publishedBundle, repoPath, runCli } from '../support/e2e-data';
import { expect, test } from '../support/fixtures';
import type { E2eServer } from '../support/server-process';

const OFFICE = 'Kantor Gubernur Kalimantan Timur';
const HOSPITAL = 'RSUD Abdul Wahab Sjahranie';

// Its own server: the last test publishes a new bundle on it.
test.use({ serverOptions: { own: true } });

let server: E2eServer;
let demo: { venues: DemoEntry[]; certificates: DemoEntry[] };

test.beforeAll(async ({ server: worker }) => {
  server = worker;
  demo = await (await fetch(`${server.url}/demo.json`)).json();
});

function venue(name: string): DemoEntry {
  const v = demo.venues.find((x) => x.name === name);
  if (!v) throw new Error(`demo venue ${name} missing`);
  return v;
}

function trackErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

async function importBudi(page: Page) {
  const budi = demo.certificates.find((c) => c.holder === 'Budi Santoso' && c.kind === 'vaccination');
  if (!budi) throw new Error('demo certificate missing');
  await importCertificate(page, budi.url);
}

/** Run in the page before the app: `indexedDB.open` fails the way Firefox's private windows did. */
function refuseIndexedDb() {
  IDBFactory.prototype.open = function open() {
    // A real EventTarget dressed as an IDBOpenDBRequest (idb checks `instanceof IDBRequest`).
    const request = Object.setPrototypeOf(new EventTarget(), IDBOpenDBRequest.prototype) as IDBOpenDBRequest;
    const error = new DOMException(
      'A mutation operation was attempted on a database that did not allow mutations.',
      'InvalidStateError',
    );
    Object.defineProperties(request, {
      error: { get: () => error },
      result: { get: () => undefined },
      readyState: { get: () => 'done' },
    });
    setTimeout(() => request.dispatchEvent(new Event('error')), 0);
    return request;
  };
}

/** Run in the page before the app: no IndexedDB at all (storage disabled by policy, some embedded browsers). */
function removeIndexedDb() {
  Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true });
}

for (const [what, script] of [
  ['indexedDB.open fails (private window)', refuseIndexedDb],
  ['no indexedDB at all', removeIndexedDb],
] as const) {
  test(`IndexedDB unavailable — ${what}: the app starts, says so in words, still decides, and reports a check-in as failed`, async ({
    browser,
  }) => {
    const context = await browser.newContext({ serviceWorkers: 'block' });
    await context.addInitScript(script);
    const page = await context.newPage();
    const errors = trackErrors(page);
    await page.goto(`${server.url}/`);
    await expect(page.getByTestId('scan-button')).toBeVisible();
    const banner = page.getByTestId('storage-error');
    await expect(banner).toHaveAttribute('data-code', 'STORAGE_UNAVAILABLE');
    await expect(banner).toContainText(id.error.STORAGE_UNAVAILABLE);

    // The venue's poster still opens and is decided on (no rules could be kept: cannot verify, with the reason).
    await page.goto(venue(OFFICE).url);
    await expect(page.getByTestId('venue-name')).toHaveText(OFFICE);
    await expect(page.getByTestId('decision')).toHaveAttribute('data-outcome', 'CANNOT_VERIFY');
    // Unverifiable: ticked only once the user confirms the guard checks by hand.
    await page.getByTestId('people-picker-person').click();
    await page.getByTestId('hand-check-confirm').click();
    await page.getByTestId('checkin-confirm').click();
    await expect(page.getByTestId('checkin-error')).toHaveText(id.error.STORAGE_UNAVAILABLE);
    await expect(page.getByTestId('checkin-done')).toHaveCount(0);

    expect(errors).toEqual([]);
    await context.close();
  });
}

test('a newer version opened in another tab: this tab lets it upgrade, asks for a reload, reports a write as failed; after the reload all data is there', async ({
  browser,
}) => {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  const errors = trackErrors(page);
  await openHome(page, `${server.url}/`);
  await importBudi(page);
  await checkIn(page, venue(OFFICE).url);
  await page.goto(venue(HOSPITAL).url);
  await expect(page.getByTestId('checkin-confirm')).toBeEnabled();

  // Another tab of the same origin (not running the app) asks for the next version, as a newer app would, then
  // gives up its upgrade so that the database stays as it is for the reload below.
  const other = await context.newPage();
  await other.goto(`${server.url}/healthz`);
  const upgrade = await other.evaluate(
    () =>
      new Promise<{ from: number; blocked: boolean; upgraded: boolean; error?: string }>((resolve) => {
        const first = indexedDB.open('singgah');
        first.onsuccess = () => {
          const from = first.result.version;
          first.result.close();
          let blocked = false;
          let upgraded = false;
          const req = indexedDB.open('singgah', from + 1);
          req.onblocked = () => {
            blocked = true;
          };
          req.onupgradeneeded = () => {
            upgraded = true;
            req.transaction?.abort();
          };
          req.onsuccess = () => {
            req.result.close();
            resolve({ from, blocked, upgraded });
          };
          req.onerror = () => resolve({ from, blocked, upgraded, error: req.error?.name });
        };
      }),
  );
  // The app's connection closed on versionchange, so the upgrade ran at once.
  expect(upgrade).toEqual({ from: expect.any(Number), blocked: false, upgraded: true, error: 'AbortError' });

  const banner = page.getByTestId('storage-banner');
  await expect(banner).toContainText(id.storage.versionchange);
  // A write now is reported, never dropped silently.
  await page.getByTestId('checkin-confirm').click();
  await expect(page.getByTestId('checkin-error')).toHaveText(id.error.STORAGE_UNAVAILABLE);
  await expect(page.getByTestId('checkin-done')).toHaveCount(0);
  const stored = await other.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('singgah');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const req = open.result.transaction('checkins').objectStore('checkins').count();
          req.onsuccess = () => {
            open.result.close();
            resolve(req.result);
          };
        };
      }),
  );
  expect(stored).toBe(1);

  // The banner's reload: the app starts again with everything, and writes work.
  await banner.getByRole('button', { name: id.storage.reload }).click();
  await expect(page.getByTestId('checkin-confirm')).toBeEnabled();
  await expect(page.getByTestId('storage-banner')).toHaveCount(0);
  await checkIn(page);
  await page.goto(`${server.url}/history`);
  await expect(page.getByTestId('history-item')).toHaveCount(2);
  await expect(page.getByTestId('history-item').nth(1)).toContainText(OFFICE);

  expect(errors).toEqual([]);
  await context.close();
});

test.describe('a bundle update cut off by killing the browser', () => {
  let profile: string | undefined;
  let context: BrowserContext | undefined;
  test.afterEach(async () => {
    // A launched persistent context is not closed by Playwright when a test fails: close it before removing.
    await context?.close().catch(() => undefined);
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  /**
   * Run in the page before the app: when the app writes the bundle record, let the write go to the database,
   * then keep its transaction busy forever (a chain of reads on the same store) so it never commits, and say so.
   * The app's next writes in that transaction (trusted time, last check) are issued too; none commits.
   */
  function holdBundleWrite() {
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function hold(this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      const request = put.call(this, value, key);
      if (this.name === 'meta' && key === 'bundle') {
        const keepBusy = () => {
          this.get('bundle').onsuccess = keepBusy;
        };
        keepBusy();
        document.documentElement.dataset.bundleWriteHeld = 'true';
      }
      return request;
    };
  }

  interface Meta {
    readonly version?: number;
    readonly trustedTime?: number;
    readonly quarantined: number;
  }

  function readMeta(page: Page): Promise<Meta> {
    return page.evaluate(
      () =>
        new Promise<Meta>((resolve, reject) => {
          const open = indexedDB.open('singgah');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const tx = open.result.transaction(['meta', 'quarantine']);
            const bundle = tx.objectStore('meta').get('bundle');
            const trusted = tx.objectStore('meta').get('trustedTime');
            const quarantined = tx.objectStore('quarantine').count();
            tx.oncomplete = () => {
              open.result.close();
              resolve({
                version: (bundle.result as { version?: number } | undefined)?.version,
                trustedTime: trusted.result as number | undefined,
                quarantined: quarantined.result,
              });
            };
          };
        }),
    );
  }

  async function startApp(context: BrowserContext): Promise<{ page: Page; errors: string[] }> {
    const page = context.pages()[0] ?? (await context.newPage());
    const errors = trackErrors(page);
    await page.goto(`${server.url}/`);
    return { page, errors };
  }

  test('killed mid-write: after a restart on the same profile the last good bundle loads, trusted time unchanged, and the next update works', async () => {
    const { dataDir } = server;
    const good = publishedBundle(dataDir);
    profile = mkdtempSync(join(tmpdir(), 'singgah-profile-'));
    // No service worker: every request of the page reaches Playwright's routing (and the server).
    const options = { serviceWorkers: 'block' } as const;

    // 1. The app stores the current bundle.
    context = await launchProfile(profile, options);
    let { page, errors } = await startApp(context);
    await expect(page.getByTestId('bundle-status')).toHaveAttribute('data-version', String(good.version));
    await expect.poll(async () => (await readMeta(page)).version).toBe(good.version);
    const before = await readMeta(page);
    expect(errors).toEqual([]);

    // 2. The operator publishes the next bundle (same origin: the server comes back on the same port).
    await server.stop();
    // Bundle times are whole seconds: sign in a later second than the stored trusted time, or a cut-off write
    // of the new time could not be told apart from the old one.
    const trustedSecond = before.trustedTime ?? 0;
    await expect.poll(() => Math.floor(Date.now() / 1000), { timeout: 3000 }).toBeGreaterThan(trustedSecond);
    runCli(dataDir, ['bundle', 'sign', repoPath('server/demo/policy.json')]);
    const next = publishedBundle(dataDir);
    expect(next.version).toBeGreaterThan(good.version);
    expect(next.issuedAt).toBeGreaterThan(before.trustedTime ?? Number.POSITIVE_INFINITY);
    await server.start();

    // 3. The app downloads and verifies it, and is killed while its write transaction is open.
    await context.addInitScript(holdBundleWrite);
    await page.reload();
    await expect(page.locator('html')).toHaveAttribute('data-bundle-write-held', 'true');
    await killBrowser(context, profile);

    // 4. Started again on the same profile, with the bundle download failing: the last good bundle loads.
    context = await launchProfile(profile, options);
    await context.route('**/v1/bundle**', (route) => route.abort());
    ({ page, errors } = await startApp(context));
    await expect(page.getByTestId('bundle-status')).toHaveAttribute('data-version', String(good.version));
    expect(await readMeta(page)).toEqual(before);
    // It decides with it (the venue's poster, opened on this server's origin).
    await page.goto(`${server.url}/v${new URL(venue(OFFICE).url).hash}`);
    await expect(page.getByTestId('decision')).toHaveCount(1);
    await expect(page.getByTestId('decision')).toHaveAttribute('data-outcome', 'DENIED');

    // 5. The network back: the update the crash cut off goes through.
    await context.unroute('**/v1/bundle**');
    await page.goto(`${server.url}/`);
    await expect(page.getByTestId('bundle-status')).toHaveAttribute('data-version', String(next.version));
    expect((await readMeta(page)).version).toBe(next.version);
    expect(errors).toEqual([]);
    await context.close();
  });
});
