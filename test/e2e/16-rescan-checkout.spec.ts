/**
 * Rescanning the venue you are checked into offers check-out (CrowdNotifier, PeduliLindungi):
 * "checked in here since HH:MM — check out?" with check-out as the primary action and "check in again"
 * (ends the open visit, records a new one) as the secondary one. The rescan goes through the Scan screen's
 * link field, the same path a camera decode takes (parseScanned → /v#…).
 */
import type { Page } from '@playwright/test';
import { expect, test } from '../support/fixtures';

const visits = (page: Page) => page.getByTestId('history-item');

test('rescan while checked in: check out first, or check in again', async ({ app, demo }) => {
  const { page } = app;
  const { office } = demo;
  await app.open();
  await app.importCertificate(demo.budi.url);

  // First scan: a plain check-in, no check-out offer.
  await app.rescan(office);
  await expect(page.getByTestId('already-in')).toHaveCount(0);
  await app.checkIn();
  const since = ((await page.getByTestId('checkin-done').textContent()) ?? '').match(/\d{2}[.:]\d{2}/)?.[0];
  expect(since).toBeTruthy();

  // Rescan: the question with the time, check-out primary, check in again secondary; nothing else to confirm.
  await app.rescan(office);
  await expect(page.getByTestId('already-in')).toContainText(since ?? '');
  await expect(page.getByTestId('already-in')).toContainText(/check-in di sini sejak/);
  await expect(page.getByTestId('checkout-button')).toHaveClass(/button--primary/);
  await expect(page.getByTestId('checkin-again')).not.toHaveClass(/button--primary/);
  await expect(page.getByTestId('checkin-again')).toBeEnabled();
  await expect(page.getByTestId('checkin-confirm')).toHaveCount(0);
  await app.expectAxeClean('.actions');

  // "Check in again": the open visit ends and a new one is recorded.
  await page.getByTestId('checkin-again').click();
  await expect(page.getByTestId('checkin-done')).toBeVisible();
  await app.goto('/history');
  await expect(visits(page)).toHaveCount(2);
  await expect(page.locator('[data-testid="history-item"][data-active="true"]')).toHaveCount(1);

  // Rescan again and take the primary action: checked out, and nothing is open any more.
  await app.rescan(office);
  await page.getByTestId('checkout-button').click();
  await expect(page.getByTestId('checkout-done')).toBeVisible();
  await app.goto('/history');
  await expect(visits(page)).toHaveCount(2);
  await expect(page.locator('[data-testid="history-item"][data-active="true"]')).toHaveCount(0);

  // The next scan is a fresh check-in again.
  await app.rescan(office);
  await expect(page.getByTestId('already-in')).toHaveCount(0);
  await expect(page.getByTestId('checkin-confirm')).toBeEnabled();
});
