/**
 * The camera is released whenever the scan screen is not in use (battery, privacy, the camera light): leaving
 * the screen, the page being hidden (tab switch, phone locked) and pagehide each stop every video track; on
 * return the scanner opens the camera again and still decodes.
 */
import type { Page } from '@playwright/test';
import { expect, test } from '../support/fixtures';

test.use({ camera: 'fake' });

/** Pretend the page was hidden or shown (what the browser does on a tab switch or screen lock). */
async function setVisibility(page: Page, state: 'hidden' | 'visible') {
  await page.evaluate((s) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => s });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => s === 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  }, state);
}

test('leaving the scan screen stops every video track', async ({ app }) => {
  const { page } = app;
  // A QR that is not ours: the scanner keeps running (an error note), so leaving is what stops it.
  await app.showToCamera('hello, this is not a venue');
  await app.open();
  await app.openScanner();
  await expect(page.getByTestId('scan-error')).toHaveAttribute('data-code', 'NOT_SINGGAH_CODE');
  const live = await app.videoTrackStates();
  expect(live.length).toBeGreaterThan(0);
  expect(live).toContain('live');
  // In-app navigation (the page stays, so the streams kept by the init script are still inspectable).
  await page.getByRole('navigation').getByRole('link').first().click();
  await expect(page.getByTestId('scan-button')).toBeVisible();
  await expect.poll(() => app.videoTrackStates()).toEqual(live.map(() => 'ended'));
  await expect(page.getByTestId('scanner-video')).toHaveCount(0);
  expect(app.errors).toEqual([]);
});

test('hiding the page stops the camera; showing it again restarts it and it still decodes', async ({ app, demo }) => {
  const { page } = app;
  await app.showToCamera('hello, this is not a venue');
  await app.open();
  await app.openScanner();
  await setVisibility(page, 'hidden');
  await expect.poll(async () => (await app.videoTrackStates()).every((s) => s === 'ended')).toBe(true);
  await expect(page.getByTestId('scanner-state')).toHaveAttribute('data-state', 'stopped');
  const before = (await app.videoTrackStates()).length;

  // Back on screen, with the venue poster in front of the camera now (Chromium re-reads the file on open).
  await app.showToCamera(demo.office.qrText);
  await setVisibility(page, 'visible');
  await app.expectCheckInScreen(demo.office.name);
  const after = await app.videoTrackStates();
  expect(after.length).toBe(before + 1);
  // The check-in screen is not the scanner: the new stream is released too.
  await expect.poll(() => app.videoTrackStates()).toEqual(after.map(() => 'ended'));
  expect(app.errors).toEqual([]);
});

test('pagehide stops every video track', async ({ app }) => {
  await app.showToCamera('hello, this is not a venue');
  await app.open();
  await app.openScanner();
  await app.page.evaluate(() => window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true })));
  await expect.poll(async () => (await app.videoTrackStates()).every((s) => s === 'ended')).toBe(true);
});
