/**
 * Occupancy held at 50 %: the demo policy limits government offices to half their capacity — the
 * Kaltim governor's office (capacity 400) to 200 people. Online, the check-in screen shows how full the office is
 * against that limit; when full it says "Penuh — tunggu" before the check-in and offers check-in only as a
 * secondary action; offline, on a server error or a server that does not answer, it says it cannot know — and the
 * decision is on screen at once either way. Guard mode at the office (place from its venue QR) shows the live
 * count in / out / limit, refreshed while open. The server's count drops visits checked out.
 */
import { randomBytes } from 'node:crypto';
import type { Page } from '@playwright/test';
import { checkInProofOf } from '../../src/core/checkin-upload';
import { expectAxeClean, importCertificate, openHome, waitForServiceWorker } from '../support/app-page';
import { type Demo, expect, test } from '../support/fixtures';
import type { E2eServer } from '../support/server-process';
import { writeQrY4m } from '../support/y4m';

// Its own server: the occupancy counts must see only this spec's visits.
test.use({ serverOptions: { own: true } });

let server: E2eServer;
let office: Demo['office'];
let budi: Demo['budi'];

test.beforeAll(({ server: worker, demo }) => {
  server = worker;
  ({ office, budi } = demo);
});

const hexId = () => randomBytes(16).toString('hex');

async function activeAt(venueId: string): Promise<number> {
  return ((await (await fetch(`${server.url}/v1/venues/${venueId}/occupancy`)).json()) as { active: number }).active;
}

/**
 * Other visitors' phones uploading: `people` people in one group each item (at most 10, the server's cap),
 * inside for the next hour, each with the proof of the office poster they scanned.
 */
async function uploadVisitors(url: string, venueId: string, groups: readonly number[]): Promise<string[]> {
  const now = Math.floor(Date.now() / 1000);
  const code = new URL(office.url).hash.slice(1);
  const items = groups.map((people) => {
    const id = hexId();
    return {
      id,
      op: 'checkin',
      venueId,
      at: now - 60,
      autoCheckOutAt: now + 3600,
      people,
      proof: checkInProofOf(id, code),
    };
  });
  const res = await fetch(`${url}/v1/checkins`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ items }),
  });
  expect(res.status).toBe(200);
  const { results } = (await res.json()) as { results: { status: string }[] };
  expect(results.map((r) => r.status)).toEqual(items.map(() => 'stored'));
  return items.map((i) => i.id);
}

async function checkOutVisitors(url: string, ids: readonly string[]) {
  const at = Math.floor(Date.now() / 1000);
  const res = await fetch(`${url}/v1/checkins`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ items: ids.map((id) => ({ id, op: 'checkout', at })) }),
  });
  expect(res.status).toBe(200);
}

async function phoneWithBudi(page: Page) {
  await openHome(page, `${server.url}/`);
  await importCertificate(page, budi.url);
}

test('online: how full the office is against its limit; full says "Penuh — tunggu" before any check-in', async ({
  page,
}) => {
  await phoneWithBudi(page);
  // The copied data may hold other specs' visits: count from what is there.
  const base = await activeAt(office.id);
  const groups = await uploadVisitors(server.url, office.id, [...Array<number>(10).fill(10), 5]);
  await page.goto(office.url);
  const occupancy = page.getByTestId('occupancy');
  await expect(occupancy).toHaveAttribute('data-state', 'room');
  await expect(occupancy).toContainText(`${base + 105} orang di dalam`);
  await expect(occupancy).toContainText('200');
  await expect(page.getByTestId('checkin-confirm')).toBeEnabled();
  await expectAxeClean(page);

  // Up to 200 inside: the limit.
  const missing = 200 - base - 105;
  const more = await uploadVisitors(server.url, office.id, [
    ...Array<number>(Math.floor(missing / 10)).fill(10),
    ...(missing % 10 > 0 ? [missing % 10] : []),
  ]);
  await page.goto(`${server.url}/`);
  await page.goto(office.url);
  await expect(occupancy).toHaveAttribute('data-state', 'full');
  await expect(occupancy).toContainText('Penuh — tunggu');
  // Budi may enter by the rules — the decision is still there — but check-in is not the default action.
  await expect(page.getByTestId('decision')).toHaveAttribute('data-outcome', 'ALLOWED');
  await expect(page.getByTestId('checkin-confirm')).toHaveCount(0);
  const anyway = page.getByTestId('checkin-anyway');
  await expect(anyway).toBeVisible();
  await expect(anyway).not.toHaveClass(/button--primary/);
  const [full, button] = [await occupancy.boundingBox(), await anyway.boundingBox()];
  expect(full && button && full.y < button.y).toBe(true);
  await expectAxeClean(page);

  // People leave: the count drops, and check-in is the main action again.
  await checkOutVisitors(server.url, [...groups, ...more].slice(0, 3));
  await page.goto(`${server.url}/`);
  await page.goto(office.url);
  await expect(occupancy).toHaveAttribute('data-state', 'room');
  await expect(occupancy).toContainText(`${200 - 30} orang di dalam`);
  await expect(page.getByTestId('checkin-confirm')).toBeEnabled();
  await checkOutVisitors(server.url, [...groups, ...more]);
});

test('a server error or no answer: "cannot know", never blocking the decision or the check-in', async ({ browser }) => {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  await phoneWithBudi(page);

  // A server error.
  await context.route('**/v1/venues/*/occupancy', (route) =>
    route.fulfill({ status: 500, contentType: 'application/json', body: '{"error":{"code":"X","message":"x"}}' }),
  );
  await page.goto(office.url);
  await expect(page.getByTestId('occupancy')).toHaveAttribute('data-state', 'unknown');
  await expect(page.getByTestId('checkin-confirm')).toBeEnabled();

  // A server that never answers: the decision is there at once, "cannot know" after a short wait.
  await context.unroute('**/v1/venues/*/occupancy');
  await context.route('**/v1/venues/*/occupancy', () => {
    // never fulfilled
  });
  await page.goto(`${server.url}/`);
  await page.goto(office.url);
  await expect(page.getByTestId('decision')).toHaveAttribute('data-outcome', 'ALLOWED', { timeout: 2_000 });
  await expect(page.getByTestId('checkin-confirm')).toBeEnabled({ timeout: 2_000 });
  await expect(page.getByTestId('occupancy')).toHaveAttribute('data-state', 'unknown', { timeout: 8_000 });
  await context.close();
});

test('offline phone (service worker): the check-in screen says the count cannot be known', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await phoneWithBudi(page);
  await waitForServiceWorker(page);
  await context.setOffline(true);
  await page.goto(office.url);
  const occupancy = page.getByTestId('occupancy');
  await expect(occupancy).toHaveAttribute('data-state', 'unknown');
  await expect(occupancy).toContainText('tidak dapat diketahui');
  await expect(page.getByTestId('checkin-confirm')).toBeEnabled();
  await expectAxeClean(page);
  await context.close();
});

test('guard mode at the office (place from its venue QR): live count in / out / limit, refreshed while open', async ({
  cameras,
}) => {
  test.setTimeout(90_000);
  const camera = await cameras.fake();
  {
    const context = await camera.browser.newContext();
    const page = await context.newPage();
    await openHome(page, `${server.url}/`);
    const count = async () =>
      (
        (await (await fetch(`${server.url}/v1/venues/${office.id}/occupancy`)).json()) as {
          active: number;
        }
      ).active;
    const before = await count();
    writeQrY4m(camera.y4m, office.qrText);
    await page.goto(`${server.url}/verify`);
    await expect(page.getByTestId('verify-venue')).toContainText('Kantor Gubernur Kalimantan Timur', {
      timeout: 20_000,
    });
    const live = page.getByTestId('guard-occupancy');
    await expect(live.getByTestId('guard-occupancy-in')).toHaveText(String(before));
    await expect(live.getByTestId('guard-occupancy-limit')).toHaveText('200');
    await expectAxeClean(page, '[data-testid="guard-occupancy"]');

    // Seven people arrive and three of them leave while the screen stays open: the count follows by itself.
    const ids = await uploadVisitors(server.url, office.id, [4, 3]);
    await expect(live.getByTestId('guard-occupancy-in')).toHaveText(String(before + 7), { timeout: 30_000 });
    await checkOutVisitors(server.url, ids.slice(1));
    await expect(live.getByTestId('guard-occupancy-in')).toHaveText(String(before + 4), { timeout: 30_000 });
    await expect(live.getByTestId('guard-occupancy-out')).not.toHaveText('0');
    await checkOutVisitors(server.url, ids);
    await context.close();
  }
});
