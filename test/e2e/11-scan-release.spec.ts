/**
 * The camera is released whenever the scan screen is not in use (battery, privacy, the camera light): leaving
 * the screen, the page being hidden (tab switch, phone locked) and pagehide each stop every video track; on
 * return the scanner opens the camera again and still decodes.
 */
import { expect, type Page, test } from '@playwright/test';
import {
  expectCheckInScreen,
  openApp,
  openScanEnv,
  openScanner,
  type ScanEnv,
  videoTrackStates,
} from '../support/scan-e2e';
import { writeQrY4m } from '../support/y4m';

let env: ScanEnv;

test.beforeAll(async () => {
  env = await openScanEnv();
});
test.afterAll(async () => {
  await env?.close();
});

/** Pretend the page was hidden or shown (what the browser does on a tab switch or screen lock). */
async function setVisibility(page: Page, state: 'hidden' | 'visible') {
  await page.evaluate((s) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => s });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => s === 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  }, state);
}

test('leaving the scan screen stops every video track', async () => {
  // A QR that is not ours: the scanner keeps running (an error note), so leaving is what stops it.
  writeQrY4m(env.y4m, 'hello, this is not a venue');
  const { context, page, errors } = await openApp(env);
  await openScanner(page);
  await expect(page.getByTestId('scan-error')).toHaveAttribute('data-code', 'NOT_SINGGAH_CODE');
  const live = await videoTrackStates(page);
  expect(live.length).toBeGreaterThan(0);
  expect(live).toContain('live');
  // In-app navigation (the page stays, so the streams kept by the init script are still inspectable).
  await page.getByRole('navigation').getByRole('link').first().click();
  await expect(page.getByTestId('scan-button')).toBeVisible();
  await expect.poll(() => videoTrackStates(page)).toEqual(live.map(() => 'ended'));
  await expect(page.getByTestId('scanner-video')).toHaveCount(0);
  expect(errors).toEqual([]);
  await context.close();
});

test('hiding the page stops the camera; showing it again restarts it and it still decodes', async () => {
  writeQrY4m(env.y4m, 'hello, this is not a venue');
  const { context, page, errors } = await openApp(env);
  await openScanner(page);
  await setVisibility(page, 'hidden');
  await expect.poll(async () => (await videoTrackStates(page)).every((s) => s === 'ended')).toBe(true);
  await expect(page.getByTestId('scanner-state')).toHaveAttribute('data-state', 'stopped');
  const before = (await videoTrackStates(page)).length;

  // Back on screen, with the venue poster in front of the camera now (Chromium re-reads the file on open).
  writeQrY4m(env.y4m, env.officeQr);
  await setVisibility(page, 'visible');
  await expectCheckInScreen(page, env.office.name ?? '');
  const after = await videoTrackStates(page);
  expect(after.length).toBe(before + 1);
  // The check-in screen is not the scanner: the new stream is released too.
  await expect.poll(() => videoTrackStates(page)).toEqual(after.map(() => 'ended'));
  expect(errors).toEqual([]);
  await context.close();
});

test('pagehide stops every video track', async () => {
  writeQrY4m(env.y4m, 'hello, this is not a venue');
  const { context, page } = await openApp(env);
  await openScanner(page);
  await page.evaluate(() => window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true })));
  await expect.poll(async () => (await videoTrackStates(page)).every((s) => s === 'ended')).toBe(true);
  await context.close();
});
