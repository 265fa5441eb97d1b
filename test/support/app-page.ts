/**
 * Steps on the real app that many e2e specs take: import a certificate through its link, and look into the
 * app's IndexedDB with the raw API (what the app stored, not what it shows).
 */
import { expect, type Page } from '@playwright/test';

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
