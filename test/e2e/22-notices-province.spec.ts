/**
 * Notices by province end to end, in Chromium against the real server (own data dir): a phone whose visits were
 * all in Kalimantan Timur (the governor's office an hour ago, the Samarinda hospital two days ago) syncs after the
 * health office published one notice at the office and one at the Semarang mosque (Jawa Tengah). Every notice
 * request the browser makes is recorded: they are all Kaltim's day files, from the day of its oldest visit to
 * today, never Jawa Tengah's and never the national feed — and the notice at its venue is found, verified and
 * shown as a high-level alert. The server is asked directly that Jawa Tengah's file does hold its notice.
 */
import { publishManualNotice } from '../../server/notice-signing';
import { openHome, seedVisits } from '../support/app-page';
import { expect, test } from '../support/fixtures';

// The spec publishes notices with the CLI: a server and data dir of its own.
test.use({ serverOptions: { own: true } });
test.describe.configure({ timeout: 180_000 });

const DAY = 86_400;
const dayName = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);

test('a phone that visited only Kalimantan Timur downloads no Jawa Tengah notices and finds the one at its venue', async ({
  browser,
  server,
  demo,
}) => {
  const hospital = demo.venues.find((v) => v.name === 'RSUD Abdul Wahab Sjahranie');
  const mosque = demo.venues.find((v) => v.name === 'Masjid Agung Jawa Tengah');
  if (!hospital || !mosque) throw new Error('demo venues missing');
  expect(demo.office.region.slice(0, 2)).toBe('64');
  expect(hospital.region.slice(0, 2)).toBe('64');
  expect(mosque.region.slice(0, 2)).toBe('33');

  // Seeded visits are not real ones: their outbox must not reach the server (no service worker, so every request
  // of the page is seen and can be routed).
  const context = await browser.newContext({ serviceWorkers: 'block' });
  await context.route('**/v1/checkins**', (route) => route.abort());
  const noticeRequests: string[] = [];
  context.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith('/v1/notices')) noticeRequests.push(url.pathname + url.search);
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openHome(page, `${server.url}/`);
  const [officeAt, hospitalAt] = await seedVisits(page, [
    { venue: demo.office, age: 3600, stay: 1800 },
    { venue: hospital, age: 2 * DAY, stay: 1800 },
  ]);

  // The health office publishes the same window at the mosque (Jawa Tengah) and at the office (Kaltim), as
  // `singgah notice publish` does, with the server stopped meanwhile (one restart for both).
  const window = { from: officeAt + 60, to: officeAt + 1700 };
  await server.withDb(async (db) => {
    for (const venueId of [mosque.id, demo.office.id])
      await publishManualNotice(db, server.dataDir, { venueId, ...window }, Math.floor(Date.now() / 1000));
  });
  const now = Math.floor(Date.now() / 1000);
  const fileOf = async (province: string) =>
    (await (await fetch(`${server.url}/v1/notices/${province}/${dayName(now)}/0.json`)).json()) as {
      notices: unknown[];
    };
  expect((await fileOf('33')).notices).toHaveLength(1);
  expect((await fileOf('64')).notices).toHaveLength(1);

  noticeRequests.length = 0;
  await page.reload();
  const alert = page.getByTestId('exposure-alert');
  await expect(alert).toBeVisible({ timeout: 20_000 });
  await expect(alert).toHaveAttribute('data-level', 'high');
  await expect(alert).toContainText('Kantor Gubernur Kalimantan Timur');

  // Kaltim's files from the hospital visit's day to today; nothing of Jawa Tengah, no national feed.
  const expected = [];
  for (let t = hospitalAt; dayName(t) <= dayName(now); t += DAY) expected.push(`/v1/notices/64/${dayName(t)}/0.json`);
  expect(expected.length).toBeGreaterThanOrEqual(3);
  for (const path of expected) expect(noticeRequests).toContain(path);
  expect(noticeRequests.every((p) => /^\/v1\/notices\/64\/\d{4}-\d\d-\d\d\/\d+\.json$/.test(p))).toBe(true);
  expect(noticeRequests.filter((p) => p.includes('/33/'))).toEqual([]);
  expect(errors).toEqual([]);
  await context.close();
});
