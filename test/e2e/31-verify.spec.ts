/**
 * Guard mode: the place is chosen once from the bundle's categories and regions and remembered; then
 * the camera reads a visitor's pass QR — here the very codes Andi's pass screen shows, read from a screenshot
 * of it and played by the fake camera (one pass QR holds his vaccination and his PCR). Offline (server stopped), the
 * result is full screen with name and birth date, decided by core's decidePerson on both certificates
 * together, and nothing about Andi is written: IndexedDB and localStorage are the same before and after (but for
 * the app's own clock-kept bookkeeping) and hold no trace of his name, birth date or codes.
 * "Next person" or a tap on the result clears it (left alone it stays: test/e2e/57-guard-result.spec.ts).
 */
import type { Page } from '@playwright/test';
import { expect, test } from '../support/fixtures';
import { readPassQr } from '../support/pass-qr';
import { writeQrSequenceY4m } from '../support/y4m';

test.use({ camera: 'fake' });

/**
 * Every object store of the app's database (meta by key) and every localStorage entry. `stable` leaves out the
 * meta records the app itself rewrites on a clock (the sync engine's backoff state, when the rules were last
 * checked, trusted time): they say nothing about anyone, and an offline start keeps updating them.
 */
async function storageSnapshot(page: Page): Promise<{ full: string; stable: string }> {
  const snap = await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('singgah');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const read = <T>(r: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
    const stores: Record<string, unknown> = {};
    for (const name of Array.from(db.objectStoreNames)) {
      const store = db.transaction(name).objectStore(name);
      const [keys, values] = [await read(store.getAllKeys()), await read(store.getAll())];
      stores[name] = keys.map((k, i) => [k, values[i]]);
    }
    db.close();
    const local = Object.fromEntries(Object.keys(localStorage).map((k) => [k, localStorage.getItem(k)]));
    return { stores, local };
  });
  const clockKept = new Set(['sync', 'bundleCheckedAt', 'trustedTime']);
  const meta = (snap.stores.meta as [IDBValidKey, unknown][]).filter(([k]) => !clockKept.has(String(k)));
  return {
    full: JSON.stringify(snap),
    stable: JSON.stringify({ ...snap, stores: { ...snap.stores, meta } }),
  };
}

test('guard mode: place once, scan a pass offline, full-screen result, nothing stored', async ({
  app,
  openApp,
  demo,
  server,
}) => {
  test.setTimeout(120_000);
  // The citizen's phone: Andi's pass QR read off the screen.
  const citizen = await openApp({ viewport: { width: 360, height: 640 }, deviceScaleFactor: 2 });
  await citizen.open();
  await citizen.importCertificates(demo.certificatesOf('Andi Wijaya').map((c) => c.url));
  await citizen.goto('/pass');
  await expect(citizen.page.getByTestId('pass-qr')).toBeVisible();
  const codes = [await readPassQr(citizen.page)];
  await citizen.context.close();

  // The guard's phone: installed online, place chosen from select lists.
  const { page } = app;
  await app.open();
  await app.waitForServiceWorker();
  await app.guardScan('gov', '64', () => app.expectAxeClean());
  await expect(page.getByTestId('verify-venue')).toContainText('Kantor pemerintah, Kalimantan Timur');

  // Offline from here. The camera shows nothing for 4 s, then Andi's pass.
  await server.stop();
  writeQrSequenceY4m(app.cameraFile, codes);
  await page.reload();
  // Remembered: no form, straight to scanning.
  await expect(page.getByTestId('verify-venue')).toHaveAttribute('data-category', 'gov');
  await expect(page.getByTestId('verify-place-form')).toHaveCount(0);
  const before = await storageSnapshot(page);
  expect(before.full).toContain('singgah.verify.place');
  /** Nothing of the scanned person anywhere: not the name, the birth date or a piece of a certificate code. */
  const expectNothingOfAndi = (snap: { full: string }) => {
    for (const trace of ['Andi', '1978-01-30', ...codes.map((c) => c.slice(-40))])
      expect(snap.full).not.toContain(trace);
  };

  // At a Kaltim office a visitor from Jawa Tengah needs both certificates: the one pass QR carries them.
  const result = page.getByTestId('verify-result');
  await expect(result).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('verify-name')).toHaveText('Andi Wijaya');
  await expect(page.getByTestId('verify-birth')).toContainText('30 Januari 1978');
  await expect(result).toHaveAttribute('data-outcome', 'ALLOWED', { timeout: 10_000 });
  await expect(result).toHaveAttribute('data-status', 'green');
  await expect(page.getByTestId('verify-combined')).toContainText('2 sertifikat');
  await expect(result.locator('.verify-result__outcome')).toContainText('Boleh masuk');
  await app.expectAxeClean('[data-testid="verify-result"]');

  await page.getByTestId('verify-next').click();
  await expect(result).toHaveCount(0);
  const after = await storageSnapshot(page);
  expect(after.stable).toBe(before.stable);
  expectNothingOfAndi(after);

  // The camera keeps reading the pass: a new result comes; a tap anywhere on it clears it.
  await expect(result).toBeVisible({ timeout: 10_000 });
  // The next scan may follow the tap within moments, so the page itself notes the moment the result goes.
  await page.evaluate(() => {
    const w = window as unknown as { __resultCleared?: boolean };
    new MutationObserver(() => {
      if (!document.querySelector('[data-testid="verify-result"]')) w.__resultCleared = true;
    }).observe(document.body, { childList: true, subtree: true });
  });
  await page.getByTestId('verify-birth').click();
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { __resultCleared?: boolean }).__resultCleared))
    .toBe(true);
  const later = await storageSnapshot(page);
  expect(later.stable).toBe(before.stable);
  expectNothingOfAndi(later);
});
