/**
 * Changing the stay (issue 7): a visit nobody checked out by hand can be given the time the person actually
 * left — a labelled time input in History. The phone's clock runs 90 minutes past the check-in (Playwright's
 * clock); the user says they left 30 minutes after checking in: the visit ends then (History, Home), a time
 * after the automatic end is refused with the allowed range.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { type DemoEntry, demoLinks, e2eEnv } from '../support/e2e-data';
import { type ServerProcess, startServerProcess } from '../support/server-process';

let server: ServerProcess;
let office: DemoEntry;
let budi: DemoEntry;

test.beforeAll(async () => {
  const { data, dist } = e2eEnv();
  server = await startServerProcess(data, dist);
  ({ office, budi } = await demoLinks(server.url));
});

test.afterAll(async () => {
  await server?.stop();
});

test('History: set when you actually left', async ({ browser }) => {
  const context = await browser.newContext({ timezoneId: 'Asia/Makassar' });
  await context.clock.install();
  const page = await context.newPage();
  /** A time input's HH:MM for the instant `ms`, in the page's time zone (WITA). */
  const hhmm = (ms: number) =>
    page.evaluate((t) => {
      const d = new Date(t);
      return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
    }, ms);
  await page.goto(`${server.url}/`);
  await expect(page.getByTestId('bundle-status')).toHaveAttribute('data-version', /^\d+$/);
  await page.goto(budi.url);
  await page.getByTestId('import-confirm').click();
  await expect(page.getByTestId('import-done')).toBeVisible();
  await page.goto(office.url);
  await page.getByTestId('checkin-confirm').click();
  await expect(page.getByTestId('checkin-done')).toBeVisible();
  const checkedInMs = await page.evaluate(() => Date.now());
  await page.clock.fastForward('01:30:00');

  await page.getByRole('link', { name: 'Riwayat' }).click();
  const visit = page.getByTestId('history-item');
  await expect(visit).toHaveAttribute('data-active', 'true');
  const input = page.getByLabel('Waktu keluar sebenarnya');
  await expect(input).toHaveAttribute('type', 'time');
  const axe = await new AxeBuilder({ page }).include('.left-at').analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);

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
  await expect(visit).toContainText(`Keluar: ${left.replace(':', '.')}`);
  await expect(page.getByTestId('history-left-at')).toHaveCount(0);
  await page.getByRole('link', { name: 'Beranda' }).click();
  await expect(page.getByTestId('home-checkout')).toHaveCount(0);
  await context.close();
});
