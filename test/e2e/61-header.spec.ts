/**
 * The header fits a 320 px phone in every state: offline (the "Luring / Offline" badge), both languages, on every
 * main screen, and with a banner up under it. Nothing scrolls sideways and every control in the header and the navigation takes a tap itself
 * (Playwright's hit-target check: no other element intercepts it) — "Cari tempat" on the Scan screen included.
 * The language choice lives in Settings, and a first run offers it once on Home.
 */
import type { Browser, Page } from '@playwright/test';
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

/** A phone of the given width with the app installed (worker in control), then offline. */
async function offlinePhone(browser: Browser, width: number, lang: 'id' | 'en') {
  const context = await browser.newContext({ viewport: { width, height: 640 } });
  await context.addInitScript((l) => localStorage.setItem('singgah.lang', l), lang);
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  await expect(page.getByTestId('scan-button')).toBeVisible();
  await waitForServiceWorker(page);
  await context.setOffline(true);
  return { context, page };
}

async function expectNoSidewaysScroll(page: Page, width: number) {
  const sizes = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    body: document.body.scrollWidth,
  }));
  expect(sizes.scroll, 'page scroll width').toBeLessThanOrEqual(width);
  expect(sizes.body, 'body scroll width').toBeLessThanOrEqual(width);
  for (const el of await page.locator('header.topbar, header.topbar *, nav.nav a').all()) {
    const box = await el.boundingBox();
    if (box) expect(box.x + box.width, 'header/nav element inside the screen').toBeLessThanOrEqual(width + 0.5);
  }
}

for (const width of [320, 360])
  for (const lang of ['id', 'en'] as const)
    test(`offline at ${width} px (${lang}): no sideways scroll, header and nav controls take their taps`, async ({
      browser,
    }) => {
      const { context, page } = await offlinePhone(browser, width, lang);
      const words = lang === 'id' ? id : en;
      await page.goto(`${server.url}/`);
      await expect(page.getByTestId('offline-indicator')).toHaveText(new RegExp(words.app.offline));
      // The language menu is not in the header any more.
      await expect(page.locator('header.topbar select')).toHaveCount(0);
      for (const path of ['/', '/scan', '/history', '/wallet', '/settings']) {
        await page.goto(`${server.url}${path}`);
        await expect(page.getByTestId('offline-indicator')).toBeVisible();
        await expectNoSidewaysScroll(page, width);
        for (const link of await page.locator('header.topbar a, nav.nav a').all()) await link.click({ trial: true });
      }
      await page.goto(`${server.url}/scan`);
      // This browser has no camera: once that is known the ways in without one move to the top (a new form),
      // so the button is found after the move, not before it.
      await expect(page.getByTestId('scanner-state')).toHaveAttribute('data-state', 'error');
      const find = page.getByTestId('short-code-open');
      await expect(find).toHaveText(words.shortCode.open);
      await find.scrollIntoViewIfNeeded();
      await find.click({ trial: true });
      await context.close();
    });

for (const lang of ['id', 'en'] as const)
  test(`offline at 320 px with a banner up (${lang}): still no sideways scroll, its button and the nav take taps`, async ({
    browser,
  }) => {
    const { context, page } = await offlinePhone(browser, 320, lang);
    // Another tab asks for a newer database version, as a newer app would: this tab shows "reload" in a banner.
    await context.setOffline(false);
    const other = await context.newPage();
    await other.goto(`${server.url}/healthz`);
    await context.setOffline(true);
    await other.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const first = indexedDB.open('singgah');
          first.onsuccess = () => {
            const from = first.result.version;
            first.result.close();
            const req = indexedDB.open('singgah', from + 1);
            req.onupgradeneeded = () => req.transaction?.abort();
            req.onsuccess = () => resolve();
            req.onerror = () => resolve();
          };
        }),
    );
    const banner = page.getByTestId('storage-banner');
    await expect(banner).toContainText((lang === 'id' ? id : en).storage.versionchange);
    await expect(page.getByTestId('offline-indicator')).toBeVisible();
    await expectNoSidewaysScroll(page, 320);
    await banner.getByRole('button').click({ trial: true });
    for (const link of await page.locator('header.topbar a, nav.nav a').all()) await link.click({ trial: true });
    await context.close();
  });

test('the language is chosen in Settings, and once on the first run', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  const first = page.getByTestId('first-run-language');
  await expect(first).toBeVisible();
  await expectAxeClean(page, '[data-testid="first-run-language"]');
  await first.getByRole('button', { name: 'English' }).click();
  await expect(page.getByTestId('scan-button')).toHaveText(en.home.scan);
  await expect(first).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('scan-button')).toHaveText(en.home.scan);
  await expect(page.getByTestId('first-run-language')).toHaveCount(0);

  await page.locator('nav a[href="/settings"]').click();
  const select = page.getByTestId('lang-switch');
  await expect(select).toHaveValue('en');
  await select.selectOption('id');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(id.settings.title);
  await expect(page.locator('html')).toHaveAttribute('lang', 'id');
  await context.close();
});
