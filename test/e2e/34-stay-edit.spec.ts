/**
 * Changing the stay: a visit nobody checked out by hand can be given the time the person actually
 * left — a labelled time input in History. The phone's clock runs 90 minutes past the check-in (Playwright's
 * clock); the user says they left 30 minutes after checking in: the visit ends then (History, Home), a time
 * after the automatic end is refused with the allowed range.
 */
import { expect, test } from '../support/fixtures';

test('History: set when you actually left', async ({ openApp, demo }) => {
  const app = await openApp({ timezoneId: 'Asia/Makassar' });
  const { page } = app;
  await app.context.clock.install();
  /** A time input's HH:MM for the instant `ms`, in the page's time zone (WITA). */
  const hhmm = (ms: number) =>
    page.evaluate((t) => {
      const d = new Date(t);
      return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
    }, ms);
  await app.open();
  await app.importCertificate(demo.budi.url);
  await app.checkIn(demo.office.url);
  const checkedInMs = await page.evaluate(() => Date.now());
  await page.clock.fastForward('01:30:00');

  await page.getByRole('link', { name: 'Riwayat' }).click();
  const visit = page.getByTestId('history-item');
  await expect(visit).toHaveAttribute('data-active', 'true');
  const input = page.getByLabel('Waktu keluar sebenarnya');
  await expect(input).toHaveAttribute('type', 'time');
  await app.expectAxeClean('.left-at');

  // After the automatic end (check-in + 120 min): refused, with the range.
  await input.fill(await hhmm(checkedInMs + 150 * 60_000));
  await page.getByTestId('history-left-at-save').click();
  await expect(page.getByTestId('history-left-at-error')).toContainText((await hhmm(checkedInMs)).replace(':', '.'));
  await expect(visit).toHaveAttribute('data-active', 'true');

  // Left 30 minutes after checking in.
  const left = await hhmm(checkedInMs + 30 * 60_000);
  await input.fill(left);
  await page.getByTestId('history-left-at-save').click();
  await expect(visit).toHaveAttribute('data-active', 'false');
  // Near midnight (WITA) the end falls on the next day, and History then shows its date before the time.
  await expect(visit).toContainText(new RegExp(`Keluar: (\\d{1,2} \\S+ \\d{4}, )?${left.replace(':', '\\.')}`));
  await expect(page.getByTestId('history-left-at')).toHaveCount(0);
  await page.getByRole('link', { name: 'Beranda' }).click();
  await expect(page.getByTestId('home-checkout')).toHaveCount(0);
});
