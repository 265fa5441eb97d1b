/**
 * The first screen at 360×640, no scrolling: for one person the decision and the check-in button; for a family
 * a one-line summary ("2 dari 4 orang boleh masuk", plural rules per language) and the button, the details after;
 * the certificate import screen's confirm button. Bounding boxes are measured against the 640 px viewport.
 */
import type { Locator, Page } from '@playwright/test';
import type { AppPage } from '../support/app-page';
import { type Demo, expect, test } from '../support/fixtures';

test.use({ viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true });

const venueIn = (demo: Demo, name: string) => demo.venues.find((v) => v.name === name)?.url ?? '';

/** The element lies entirely within the first 640 px, and the page has not been scrolled. */
async function expectOnFirstScreen(page: Page, locator: Locator) {
  await expect(locator).toBeVisible();
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  const box = await locator.boundingBox();
  expect(box, 'bounding box').not.toBeNull();
  expect(box?.y ?? -1).toBeGreaterThanOrEqual(0);
  expect((box?.y ?? 0) + (box?.height ?? 0)).toBeLessThanOrEqual(640);
}

async function phoneWith(app: AppPage, demo: Demo, holders: readonly string[]) {
  await app.open();
  for (const holder of holders) await app.importCertificates(demo.certificatesOf(holder).map((c) => c.url));
}

test('one person: the decision and the check-in button are on the first screen', async ({ app, demo }) => {
  const { page } = app;
  await phoneWith(app, demo, ['Budi Santoso']);
  await page.goto(venueIn(demo, 'Kantor Gubernur Kalimantan Timur'));
  await expect(page.getByTestId('decision')).toHaveAttribute('data-outcome', 'ALLOWED');
  await expectOnFirstScreen(page, page.getByTestId('decision').locator('.decision__outcome'));
  await expectOnFirstScreen(page, page.getByTestId('checkin-confirm'));
  await app.expectAxeClean();
});

test('a family of four: a one-line summary and the button first, each person after', async ({ app, demo }) => {
  const { page } = app;
  await phoneWith(app, demo, ['Budi Santoso', 'Siti Rahayu', 'Andi Wijaya', 'Dewi Lestari']);
  await page.goto(venueIn(demo, 'Masjid Agung Jawa Tengah'));
  const summary = page.getByTestId('decision-summary');
  await expect(summary).toHaveText('2 dari 4 orang boleh masuk');
  await expectOnFirstScreen(page, summary);
  const button = page.getByTestId('checkin-confirm');
  await expectOnFirstScreen(page, button);
  // The details come after the button.
  const buttonBox = await button.boundingBox();
  const firstCard = await page.getByTestId('decision').first().boundingBox();
  expect(firstCard && buttonBox && firstCard.y > buttonBox.y).toBe(true);
  await app.expectAxeClean();

  // English, with its plural rules.
  await page.evaluate(() => localStorage.setItem('singgah.lang', 'en'));
  await page.reload();
  await expect(summary).toHaveText('2 of 4 people may enter');
});

test('the certificate import screen: the confirm button is on the first screen', async ({ app, demo }) => {
  const { page } = app;
  await app.open();
  for (const c of demo.certificates.filter((x) => x.holder === 'Andi Wijaya')) {
    await app.goto('/');
    await page.goto(c.url);
    await expectOnFirstScreen(page, page.getByTestId('import-confirm'));
  }
  await app.expectAxeClean();
});
