/**
 * History: delete one visit, after a confirmation — it is gone from the list, after a reload too, and
 * its waiting upload left the outbox with it (the phone is offline, so the uploads wait); the other visit and
 * its upload stay. The retention the signed policy sets is stated under the list.
 */
import type { Page } from '@playwright/test';
import { expect, test } from '../support/fixtures';

/** Check-in ids and outbox ids straight from IndexedDB. */
const stored = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<{ checkins: string[]; outbox: string[] }>((resolve, reject) => {
        const open = indexedDB.open('singgah');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction(['checkins', 'outbox']);
          const a = tx.objectStore('checkins').getAllKeys();
          const b = tx.objectStore('outbox').getAll();
          tx.oncomplete = () => {
            resolve({
              checkins: (a.result as string[]).sort(),
              outbox: (b.result as { id: string }[]).map((o) => o.id).sort(),
            });
            open.result.close();
          };
        };
      }),
  );

test('delete one visit with confirmation; its upload goes too; retention stated', async ({ app, demo }) => {
  const { page, context } = app;
  await app.open();
  const budi = demo.certificates.find((c) => c.person === 'budi' && c.kind === 'vaccination');
  await app.importCertificate(budi?.url ?? '');

  // Offline from here (the service worker serves the app): the check-ins wait in the outbox.
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await context.setOffline(true);
  // Two places in Budi's own province (he needs no PCR there): the governor's office, then the hospital.
  const venues = ['Kantor Gubernur Kalimantan Timur', 'RSUD Abdul Wahab Sjahranie'].map((n) => {
    const v = demo.venues.find((x) => x.name === n);
    if (!v) throw new Error(`demo venue ${n} missing`);
    return v;
  });
  for (const venue of venues) {
    await app.checkIn(venue.url);
  }
  const before = await stored(page);
  expect(before.checkins).toHaveLength(2);
  // Three uploads wait: both check-ins and the office's check-out (checking in at the hospital ended that visit).
  expect(before.outbox).toHaveLength(3);
  expect([...new Set(before.outbox)]).toEqual(before.checkins);

  await page.getByRole('link', { name: 'Riwayat' }).click();
  const items = page.getByTestId('history-item');
  await expect(items).toHaveCount(2);
  await expect(page.getByTestId('history-retention')).toHaveAttribute('data-days', '21');
  await expect(page.getByTestId('history-retention')).toHaveText(
    'Kunjungan disimpan di ponsel ini saja dan dihapus setelah 21 hari.',
  );

  // The hospital visit: asked first; cancel keeps it.
  // Both visits may fall in the same second (check-in times are whole seconds; ties order by random id).
  const name = 'RSUD Abdul Wahab Sjahranie';
  const newest = items.filter({ hasText: name });
  await expect(newest).toHaveCount(1);
  await newest.getByTestId('history-delete').click();
  await expect(newest.getByRole('group')).toContainText(`Hapus kunjungan ke ${name} dari ponsel ini?`);
  await newest.getByTestId('history-delete-cancel').click();
  await expect(items).toHaveCount(2);
  await newest.getByRole('button', { name: `Hapus kunjungan (${name})` }).click();
  await newest.getByTestId('history-delete-confirm').click();
  await expect(items).toHaveCount(1);
  await expect(items.first()).not.toContainText(name);

  const after = await stored(page);
  expect(after.checkins).toHaveLength(1);
  expect(before.checkins).toContain(after.checkins[0]);
  expect(after.outbox).toHaveLength(2);
  expect([...new Set(after.outbox)]).toEqual(after.checkins);
  await page.reload();
  await expect(page.getByTestId('history-item')).toHaveCount(1);
});
