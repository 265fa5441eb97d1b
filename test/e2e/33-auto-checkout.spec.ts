/**
 * Automatic check-out: a visit counts as checked out once the venue's default stay has passed. The
 * phone's clock (Playwright's clock) is moved past the stay: Home drops the visit from "still checked in" by
 * itself, without a reload, and History shows it ended at the automatic check-out time.
 */
import { expect, test } from '../support/fixtures';

test('an open visit leaves Home after its stay (120 min at the office)', async ({ app, demo }) => {
  const { page } = app;
  await app.context.clock.install();
  await app.open();
  await app.importCertificate(demo.budi.url);
  await page.goto(demo.office.url);
  await page.getByTestId('checkin-confirm').click();
  await expect(page.getByTestId('checkin-done')).toContainText('Keluar otomatis pukul');

  await page.getByRole('link', { name: 'Beranda' }).click();
  await expect(page.getByTestId('home-checkout')).toHaveCount(1);

  // 119 minutes later the visit is still open; past 120 it is over, on the screen already open.
  await page.clock.fastForward('01:59:00');
  await expect(page.getByTestId('home-checkout')).toHaveCount(1);
  await page.clock.fastForward('02:00');
  await expect(page.getByTestId('home-checkout')).toHaveCount(0);
  await expect(page.locator('#active-title')).toHaveCount(0);

  await page.getByRole('link', { name: 'Riwayat' }).click();
  const visit = page.getByTestId('history-item');
  await expect(visit).toHaveAttribute('data-active', 'false');
  await expect(visit).toContainText('Keluar otomatis');
  await expect(page.getByTestId('history-checkout')).toHaveCount(0);
});
