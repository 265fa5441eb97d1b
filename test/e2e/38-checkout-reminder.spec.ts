/**
 * Check-out reminder (issue 7): with notification permission granted, ten minutes before a visit's automatic
 * check-out the open app shows a system notification through the service worker's registration — observed with
 * `registration.getNotifications()`; the page clock is fast-forwarded (Playwright's clock). Without permission,
 * nothing is shown. (A closed app cannot schedule one: no browser ships Notification Triggers.)
 */
import { type BrowserContext, expect, type Page, test } from '@playwright/test';
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

/** A fresh phone with the clock under the test's control: Budi imported, checked in at the office (120 min). */
async function checkedIn(context: BrowserContext): Promise<Page> {
  await context.clock.install();
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  await expect(page.getByTestId('bundle-status')).toHaveAttribute('data-version', /^\d+$/);
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await page.goto(budi.url);
  await page.getByTestId('import-confirm').click();
  await expect(page.getByTestId('import-done')).toBeVisible();
  await page.goto(office.url);
  await page.getByTestId('checkin-confirm').click();
  await expect(page.getByTestId('checkin-done')).toBeVisible();
  await page.getByRole('link', { name: 'Beranda' }).click();
  await expect(page.getByTestId('home-checkout')).toHaveCount(1);
  return page;
}

const shown = (page: Page) =>
  page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    return (await registration.getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag }));
  });

test('ten minutes before the automatic check-out, a notification where permitted', async ({ browser }) => {
  const context = await browser.newContext({ timezoneId: 'Asia/Makassar' });
  await context.grantPermissions(['notifications'], { origin: server.url });
  const page = await checkedIn(context);

  // 105 minutes in: 15 left, no reminder yet.
  await page.clock.fastForward('01:45:00');
  await page.clock.fastForward('00:00:31');
  expect(await shown(page)).toEqual([]);

  // 111 minutes in: 9 left — the reminder names the venue and the time.
  await page.clock.fastForward('00:06:00');
  await expect.poll(() => shown(page).then((n) => n.length)).toBe(1);
  const [reminder] = await shown(page);
  expect(reminder?.title).toBe('Singgah: check-out sebentar lagi');
  expect(reminder?.body).toContain('Kantor Gubernur Kalimantan Timur');
  expect(reminder?.tag).toMatch(/^singgah-checkout-[0-9a-f]{32}$/);

  // A reload does not remind again (the visit is remembered as reminded).
  await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    for (const n of await registration.getNotifications()) n.close();
  });
  await page.reload();
  await expect(page.getByTestId('home-checkout')).toHaveCount(1);
  await page.clock.fastForward('00:00:31');
  expect(await shown(page)).toEqual([]);
  await context.close();
});

test('no permission, no notification', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await checkedIn(context);
  await page.clock.fastForward('01:51:00');
  await page.clock.fastForward('00:00:31');
  await expect(page.getByTestId('home-checkout')).toHaveCount(1);
  expect(await page.evaluate(() => Notification.permission)).not.toBe('granted');
  expect(await shown(page)).toEqual([]);
  await context.close();
});
