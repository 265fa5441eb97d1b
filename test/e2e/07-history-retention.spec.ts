/**
 * history and retention in Chromium, on check-ins written with the raw IndexedDB API in the page (the
 * stored v2 record shape, as the app writes it; no test-only path in the app):
 * - paging: 300 visits → History shows the newest 50, grouped by day, newest first; "load more" adds 50 at a
 *   time until all are shown; a check-in made in a second tab appears on top without losing the pages read.
 * - retention: a 22-day-old and a 20-day-old visit; at the next start the app applies the signed bundle's
 *   retention (21 days): the 22-day-old one is gone with its outbox entry, the 20-day-old one stays.
 * Ages are computed from the real clock (the app reads the same clock at start).
 */
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { plural } from '../../src/ui/i18n';
import { id } from '../../src/ui/i18n/id';
import { checkIn, countIn, expectAxeClean, importCertificate, openHome, seedVisits } from '../support/app-page';
import type { DemoEntry } from '../support/e2e-data';
import { expect, test } from '../support/fixtures';
import type { E2eServer } from '../support/server-process';

const DAY = 86_400;
const OFFICE = 'Kantor Gubernur Kalimantan Timur';
const HOSPITAL = 'RSUD Abdul Wahab Sjahranie';

let server: E2eServer;
let demo: { venues: DemoEntry[]; certificates: DemoEntry[] };

test.beforeAll(async ({ server: worker }) => {
  server = worker;
  demo = await (await fetch(`${server.url}/demo.json`)).json();
});

function venue(name: string): DemoEntry {
  const v = demo.venues.find((x) => x.name === name);
  if (!v) throw new Error(`demo venue ${name} missing`);
  return v;
}

/**
 * A context whose check-in uploads never reach the server: the seeded visits are not real ones, and the outbox
 * must stay as the app left it (no service worker, so every request of the page can be routed).
 */
async function newContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  await context.route('**/v1/checkins**', (route) => route.abort());
  return context;
}

async function openApp(context: BrowserContext): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openHome(page, `${server.url}/`);
  return { page, errors };
}

/** The check-in times shown, in page order (each item's <time datetime>), as Unix seconds. */
async function shownTimes(page: Page): Promise<number[]> {
  const isos = await page
    .getByTestId('history-item')
    .locator('time')
    .evaluateAll((els) => els.map((e) => e.getAttribute('datetime') ?? ''));
  return isos.map((s) => Date.parse(s) / 1000);
}

const shown = (key: 'shownMore' | 'shownAll', n: number) => plural('id', n, `history.${key}`);

test('history: newest 50 first, grouped by day; "load more" pages through 300 visits; a check-in in another tab lands on top without losing the pages read', async ({
  browser,
}) => {
  const context = await newContext(browser);
  const { page, errors } = await openApp(context);
  // Every 20 minutes over ~4 days, all closed: 300 visits in several day groups.
  const office = venue(OFFICE);
  const times = await seedVisits(
    page,
    Array.from({ length: 300 }, (_, i) => ({ venue: office, age: 3600 + i * 1200 })),
  );

  await page.goto(`${server.url}/history`);
  const items = page.getByTestId('history-item');
  const more = page.getByTestId('history-more');
  await expect(items).toHaveCount(50);
  expect(await shownTimes(page)).toEqual(times.slice(0, 50));
  await expect(page.getByTestId('history-shown')).toHaveText(shown('shownMore', 50));
  await expect(more).toHaveText(id.history.more);
  // Day groups, newest day first, each with its visits.
  const dates = await page.getByTestId('history-day').evaluateAll((els) => els.map((e) => e.getAttribute('data-date')));
  expect(dates.length).toBeGreaterThanOrEqual(1);
  expect([...dates].sort().reverse()).toEqual(dates);
  expect(new Set(dates).size).toBe(dates.length);
  await expectAxeClean(page, 'main');

  await more.click();
  await expect(items).toHaveCount(100);
  expect(await shownTimes(page)).toEqual(times.slice(0, 100));
  await more.click();
  await expect(items).toHaveCount(150);

  // A second tab imports Budi and checks in at the hospital: this tab follows, keeping its 150.
  const { page: other } = await openApp(context);
  const budi = demo.certificates.find((c) => c.holder === 'Budi Santoso' && c.kind === 'vaccination');
  if (!budi) throw new Error('demo certificate missing');
  await importCertificate(other, budi.url);
  await checkIn(other, venue(HOSPITAL).url);
  await expect(items).toHaveCount(151);
  await expect(items.first()).toContainText(HOSPITAL);
  expect((await shownTimes(page)).slice(1)).toEqual(times.slice(0, 150));

  // Page to the end: every visit, then no button.
  while (await more.isVisible()) {
    const before = await items.count();
    await more.click();
    await expect(items).not.toHaveCount(before);
  }
  await expect(items).toHaveCount(301);
  expect((await shownTimes(page)).slice(1)).toEqual(times);
  await expect(page.getByTestId('history-shown')).toHaveText(shown('shownAll', 301));

  expect(errors).toEqual([]);
  await context.close();
});

test('retention at start: a 22-day-old visit is deleted with its outbox entry, a 20-day-old one stays (the signed bundle says 21 days)', async ({
  browser,
}) => {
  const context = await newContext(browser);
  const { page, errors } = await openApp(context);
  await seedVisits(page, [
    { venue: venue(HOSPITAL), age: 22 * DAY },
    { venue: venue(OFFICE), age: 20 * DAY },
  ]);
  // Seeded after this start's retention ran: both are still there.
  expect(await countIn(page, 'checkins')).toBe(2);

  // The next start applies retention.
  await page.goto(`${server.url}/history`);
  const items = page.getByTestId('history-item');
  await expect(items).toHaveCount(1);
  await expect(items.first()).toContainText(OFFICE);
  await expect(page.getByText(id.history.retention.replace('{days}', '21'))).toBeVisible();
  await expect.poll(() => countIn(page, 'checkins')).toBe(1);
  // Its unsent outbox entry went with it; the kept visit's is still waiting.
  expect(await countIn(page, 'outbox')).toBe(1);

  expect(errors).toEqual([]);
  await context.close();
});
