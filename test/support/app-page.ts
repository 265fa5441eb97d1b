/**
 * Steps on the real app that many e2e specs take: import a certificate through its link, and look into the
 * app's IndexedDB with the raw API (what the app stored, not what it shows).
 */
import { type BrowserContext, expect, type Page } from '@playwright/test';

/** Open a certificate link (`/c#…`) and confirm the import, as a user would. */
export async function importCertificate(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('import-confirm').click();
  await expect(page.getByTestId('import-done')).toBeVisible();
}

/** Records in a store of the app's database, read with the raw IndexedDB API in the page. */
export function countIn(page: Page, store: string): Promise<number> {
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

/**
 * Choose the app's language as a user does (Settings → Language), in a second tab of the same browser, and close
 * it: the page under test follows without a reload (the choice is per phone; other tabs hear it). Use this where
 * the screen under test holds state a reload would lose.
 */
export async function chooseLanguage(page: Page, lang: 'id' | 'en'): Promise<void> {
  const settings = await page.context().newPage();
  await settings.goto(new URL('/settings', page.url()).href);
  await settings.getByTestId('lang-switch').selectOption(lang);
  await expect(page.locator('html')).toHaveAttribute('lang', lang);
  await settings.close();
}

/**
 * Move the server's clock as the page's clock was moved (Playwright's clock only moves the page): the rules
 * download's `Date` header is shifted by `shiftMs`. Without it, a phone whose clock a test moved ahead is rightly
 * told "your clock is ahead of the server" (core rules-cause.ts) — use it where the test means that time passed.
 */
export async function shiftServerDate(context: BrowserContext, shiftMs: number): Promise<void> {
  await context.route('**/v1/bundle', async (route) => {
    const response = await route.fetch();
    const date = new Date(Date.now() + shiftMs).toUTCString();
    await route.fulfill({ response, headers: { ...response.headers(), date } });
  });
}
