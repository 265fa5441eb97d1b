/**
 * Camera refused (Chromium launched without the auto-accept flag, as 13-scan-guidance does): the black viewfinder
 * goes away and the ways in that need no camera come first — type the poster's code, pick a photo, paste a
 * link — all on the first screen at 360×640; the camera's own help and "try again" follow. A code typed before
 * "try again" is still there after it; it opens the office's check-in screen.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, test } from '../support/fixtures';

test.use({ camera: 'denied' });

async function expectOnFirstScreen(page: Page, locator: Locator) {
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  const box = await locator.boundingBox();
  expect(box, 'bounding box').not.toBeNull();
  expect((box?.y ?? 0) + (box?.height ?? 0)).toBeLessThanOrEqual(640);
}

test('camera refused: no viewfinder, the code, photo and link come first; the code opens the venue', async ({
  app,
  demo,
}) => {
  const { page } = app;
  await app.open();
  await page.setViewportSize({ width: 360, height: 640 });
  await page.getByTestId('scan-button').click();
  await expect(page.getByTestId('camera-error')).toHaveAttribute('data-code', 'CAMERA_DENIED');
  await expect(page.getByTestId('scanner-video')).toBeHidden();
  await expect(page.getByTestId('camera-unavailable')).toBeVisible();
  for (const id of ['short-code-input', 'short-code-open', 'scan-image', 'paste-input', 'paste-open'])
    await expectOnFirstScreen(page, page.getByTestId(id));
  // The camera's help and "try again" are still there, after the alternatives.
  const alternatives = await page.getByTestId('short-code-input').boundingBox();
  const help = await page.getByTestId('camera-error').boundingBox();
  expect(alternatives && help && help.y > alternatives.y).toBe(true);
  await expect(page.getByRole('button', { name: /coba lagi/i })).toBeVisible();
  await app.expectAxeClean();

  // What was typed survives the camera trying again: the alternatives move under the viewfinder while it
  // starts and back above it when it fails again — new forms each time, the code still in the field.
  await page.getByTestId('short-code-input').fill(demo.office.shortCode);
  await page.evaluate(() => {
    const state = document.querySelector('[data-testid="scanner-state"]');
    const seen: string[] = [];
    Object.assign(window, { cameraStates: seen });
    new MutationObserver(() => seen.push(state?.getAttribute('data-state') ?? '')).observe(state as Element, {
      attributeFilter: ['data-state'],
    });
  });
  await page.getByRole('button', { name: /coba lagi/i }).click();
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { cameraStates: string[] }).cameraStates))
    .toEqual(['starting', 'error']);
  await expect(page.getByTestId('short-code-input')).toHaveValue(demo.office.shortCode);
  await page.getByTestId('short-code-open').click();
  await expect(page.getByTestId('venue-name')).toHaveText(demo.office.name);
  expect(app.errors).toEqual([]);
});
