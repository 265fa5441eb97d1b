/**
 * No mixed signals. "The signature is valid" is a neutral check mark with words, never a green health pill — so
 * Dewi's positive PCR is not shown green in the wallet; its health meaning (positive) is marked apart. A refused
 * person's status is not a green chip under a red "Tidak boleh masuk". Every test result shows its sample date
 * and time (wallet, pass).
 */
import type { Locator } from '@playwright/test';
import type { AppPage } from '../support/app-page';
import { type Demo, expect, test } from '../support/fixtures';

async function importOf(app: AppPage, demo: Demo, holders: readonly string[]) {
  await app.importCertificates(demo.certificates.filter((x) => holders.includes(x.holder)).map((c) => c.url));
}

/** Is the element's text or background a green (the health colour for "fine")? */
async function looksGreen(el: Locator): Promise<boolean> {
  const colours = await el.evaluate((e) => {
    const s = getComputedStyle(e);
    return [s.color, s.backgroundColor];
  });
  return colours.some((c) => {
    const [r, g, b, a = 1] = (c.match(/[\d.]+/g) ?? []).map(Number);
    return a > 0 && g > r + 30 && g > b + 30;
  });
}

const SAMPLE = /\d{1,2} \w+ \d{4},? \d{2}[.:]\d{2}/;

test('wallet: a positive PCR has a neutral "signature valid" mark, a positive marker, and its sample time', async ({
  openApp,
  demo,
}) => {
  const app = await openApp({ viewport: { width: 360, height: 640 } });
  const { page } = app;
  await app.open();
  await importOf(app, demo, ['Dewi Lestari', 'Andi Wijaya']);
  await app.goto('/wallet');
  const tests = page.locator('[data-testid="wallet-cert"][data-kind="test"]');
  await expect(tests).toHaveCount(2);
  for (const cert of await tests.all()) {
    const badge = cert.getByTestId('wallet-verification');
    await expect(badge).toHaveAttribute('data-state', 'verified');
    await expect(badge).toContainText('Tanda tangan sah');
    await expect(badge.locator('svg')).toHaveCount(1);
    expect(await looksGreen(badge)).toBe(false);
    // The sample date and time in the one-line summary.
    await expect(cert.getByTestId('wallet-cert-summary')).toContainText(SAMPLE);
  }
  const positive = tests.filter({ hasText: 'Positif' });
  await expect(positive.getByTestId('wallet-result')).toHaveAttribute('data-result', 'pos');
  await expect(positive.getByTestId('wallet-result')).toContainText('Positif');
  expect(await looksGreen(positive.getByTestId('wallet-result'))).toBe(false);
  await app.expectAxeClean();
  // The pass says when the test was sampled too.
  await app.goto('/pass');
  await page.getByRole('link', { name: /Andi Wijaya/ }).click();
  await expect(page.locator('[data-testid="pass-fact"][data-kind="test"]')).toContainText(SAMPLE);
});

test('check-in: a refused person’s status is not a green chip under the red refusal', async ({ openApp, demo }) => {
  const app = await openApp({ viewport: { width: 360, height: 640 } });
  const { page } = app;
  await app.open();
  // Andi (Semarang) with his vaccination only, at the Kaltim governor's office: green, refused as a visitor
  // without a PCR.
  const vaccination = demo.certificates.find((c) => c.holder === 'Andi Wijaya' && c.kind === 'vaccination');
  await app.importCertificate(vaccination?.url ?? '');
  const office = demo.venues.find((v) => v.category === 'gov' && v.region.startsWith('64'));
  await page.goto(office?.url ?? '');
  const decision = page.getByTestId('decision').first();
  await expect(decision).toHaveAttribute('data-outcome', 'DENIED');
  await expect(decision).toHaveAttribute('data-status', 'green');
  const chip = decision.locator('.chip');
  await expect(chip).toContainText('Hijau');
  await expect(chip.locator('svg')).toHaveCount(1);
  expect(await looksGreen(chip)).toBe(false);
  await app.expectAxeClean('[data-testid="decision"]');
});
