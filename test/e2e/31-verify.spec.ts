/**
 * Guard mode (issue 7): the place is chosen once from the bundle's categories and regions and remembered; then
 * the camera reads a visitor's pass QR — here the very codes Andi's pass screen shows, read from a screenshot
 * of it and played by the fake camera (one pass QR holds his vaccination and his PCR). Offline (server stopped), the
 * result is full screen with name and birth date, decided by core's decidePerson on both certificates
 * together, and nothing about Andi is written: IndexedDB and localStorage are the same before and after (but for
 * the app's own clock-kept bookkeeping) and hold no trace of his name, birth date or codes.
 * "Next person" or a tap on the result clears it (left alone it stays: test/e2e/57-guard-result.spec.ts).
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import type { DemoJson } from '../../server/demo-page';
import { readPassQr } from '../support/pass-qr';
import { openScanEnv, type ScanEnv } from '../support/scan-e2e';
import { writeQrSequenceY4m } from '../support/y4m';

let env: ScanEnv;
let demo: DemoJson;

test.beforeAll(async () => {
  env = await openScanEnv();
  demo = await (await fetch(`${env.server.url}/demo.json`)).json();
});

test.afterAll(async () => {
  await env?.close();
});

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

test('guard mode: place once, scan a pass offline, full-screen result, nothing stored', async () => {
  test.setTimeout(120_000);
  // The citizen's phone: Andi's pass QR read off the screen.
  const citizen = await env.browser.newContext({ viewport: { width: 360, height: 640 }, deviceScaleFactor: 2 });
  const phone = await citizen.newPage();
  await phone.goto(`${env.server.url}/`);
  await expect(phone.getByTestId('bundle-status')).toHaveAttribute('data-version', /^\d+$/);
  for (const c of demo.certificates.filter((x) => x.holder === 'Andi Wijaya')) {
    await phone.goto(c.url);
    await phone.getByTestId('import-confirm').click();
    await expect(phone.getByTestId('import-done')).toBeVisible();
  }
  await phone.goto(`${env.server.url}/pass`);
  await expect(phone.getByTestId('pass-qr')).toBeVisible();
  const codes = [await readPassQr(phone)];
  await citizen.close();

  // The guard's phone: installed online, place chosen from select lists.
  const guard = await env.browser.newContext();
  const page = await guard.newPage();
  await page.goto(`${env.server.url}/`);
  await expect(page.getByTestId('bundle-status')).toHaveAttribute('data-version', /^\d+$/);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller)
      await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
  });
  await page.getByTestId('verify-link').click();
  await page.getByLabel('Jenis tempat').selectOption('gov');
  await page.getByLabel('Wilayah tempat').selectOption('64');
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  await page.getByTestId('verify-start').click();
  await expect(page.getByTestId('verify-venue')).toContainText('Kantor pemerintah, Kalimantan Timur');

  // Offline from here. The camera shows nothing for 4 s, then Andi's pass.
  await env.server.stop();
  writeQrSequenceY4m(env.y4m, codes);
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
  const resultAxe = await new AxeBuilder({ page }).include('[data-testid="verify-result"]').analyze();
  expect(resultAxe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);

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
  await guard.close();
});
