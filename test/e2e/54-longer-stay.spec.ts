/**
 * Longer stays: an 8-hour working day at the governor's office, whose QR says 2 hours. The check-in screen offers
 * the venue's default and longer stays up to the signed policy's cap (demo `maxStayMinutes` 720: 12 hours, no
 * more); Budi picks 8 hours; the visit stays open past the venue's 2 hours and ends by itself at 8.
 */
import { expect, test } from '../support/fixtures';

test('an 8-hour stay at a 2-hour venue, up to the policy cap of 12 hours', async ({ openApp, demo }) => {
  const app = await openApp({ timezoneId: 'Asia/Makassar' });
  const { page, context } = app;
  await context.clock.install();
  await app.open();
  await app.importCertificate(demo.budi.url);
  await page.goto(demo.office.url);

  const stay = page.getByLabel('Lama kunjungan');
  await expect(stay).toHaveValue('120');
  const options = await stay.locator('option').allTextContents();
  expect(options[0]).toBe('2 jam (bawaan tempat ini)');
  expect(options.at(-1)).toBe('12 jam');
  expect(options).toHaveLength(11);
  await app.expectAxeClean();

  await stay.selectOption('480');
  const checkedInMs = await page.evaluate(() => Date.now());
  await page.getByTestId('checkin-confirm').click();
  const done = page.getByTestId('checkin-done');
  await expect(done).toBeVisible();
  const hhmm = (ms: number) =>
    page.evaluate((t) => {
      const d = new Date(t);
      return `${String(d.getHours()).padStart(2, '0')}.${String(d.getMinutes()).padStart(2, '0')}`;
    }, ms);
  await expect(done).toContainText(await hhmm(checkedInMs + 8 * 3_600_000));

  // Three hours later — past the venue's own 2 hours — the visit is still open.
  await page.clock.fastForward('03:00:00');
  await page.getByRole('link', { name: 'Riwayat' }).click();
  const visit = page.getByTestId('history-item');
  await expect(visit).toHaveAttribute('data-active', 'true');
  // Eight hours in, it has ended by itself.
  await page.clock.fastForward('05:01:00');
  await expect(visit).toHaveAttribute('data-active', 'false');
});
