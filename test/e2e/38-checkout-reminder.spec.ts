/**
 * Check-out reminder: with notification permission granted, ten minutes before a visit's automatic
 * check-out the open app shows a system notification through the service worker's registration — observed with
 * `registration.getNotifications()`; the page clock is fast-forwarded (Playwright's clock). Without permission,
 * nothing is shown. (A closed app cannot schedule one: no browser ships Notification Triggers.)
 */
import type { Page } from '@playwright/test';
import type { AppPage } from '../support/app-page';
import { type Demo, expect, test } from '../support/fixtures';

/** A fresh phone with the clock under the test's control: Budi imported, checked in at the office (120 min). */
async function checkedIn(app: AppPage, { budi, office }: Demo): Promise<Page> {
  const { page } = app;
  await app.context.clock.install();
  await app.open();
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await app.importCertificate(budi.url);
  await app.checkIn(office.url);
  await page.getByRole('link', { name: 'Beranda' }).click();
  await expect(page.getByTestId('home-checkout')).toHaveCount(1);
  return page;
}

const shown = (page: Page) =>
  page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    return (await registration.getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag }));
  });

test('ten minutes before the automatic check-out, a notification where permitted', async ({
  openApp,
  demo,
  server,
}) => {
  const app = await openApp({ timezoneId: 'Asia/Makassar' });
  await app.context.grantPermissions(['notifications'], { origin: server.url });
  const page = await checkedIn(app, demo);

  // 105 minutes in: 15 left, no reminder yet.
  await page.clock.fastForward('01:45:00');
  await page.clock.fastForward('00:00:31');
  expect(await shown(page)).toEqual([]);

  // 111 minutes in: 9 left — the reminder names the venue and the time.
  await page.clock.fastForward('00:06:00');
  // Each look first runs the page's timers a second on: the app's effect after the tick is a timer too (Preact
  // runs effects after a frame), and the clock's own real-time flow once left it unrun for the whole wait.
  await expect
    .poll(async () => {
      await page.clock.runFor(1000);
      return (await shown(page)).length;
    })
    .toBe(1);
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
});

test('no permission, no notification', async ({ app, demo }) => {
  const page = await checkedIn(app, demo);
  await page.clock.fastForward('01:51:00');
  await page.clock.fastForward('00:00:31');
  await expect(page.getByTestId('home-checkout')).toHaveCount(1);
  expect(await page.evaluate(() => Notification.permission)).not.toBe('granted');
  expect(await shown(page)).toEqual([]);
});
