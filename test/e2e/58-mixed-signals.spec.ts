/**
 * No mixed signals. "The signature is valid" is a neutral check mark with words, never a green health pill — so
 * Dewi's positive PCR is not shown green in the wallet; its health meaning (positive) is marked apart. A refused
 * person's status is not a green chip under a red "Tidak boleh masuk". Every test result shows its sample date
 * and time (wallet, pass).
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, type Locator, type Page, test } from '@playwright/test';
import type { DemoJson } from '../../server/demo-page';
import { e2eEnv } from '../support/e2e-data';
import { type ServerProcess, startServerProcess } from '../support/server-process';

let server: ServerProcess;
let demo: DemoJson;

test.beforeAll(async () => {
  const { data, dist } = e2eEnv();
  server = await startServerProcess(data, dist);
  demo = await (await fetch(`${server.url}/demo.json`)).json();
});

test.afterAll(async () => {
  await server?.stop();
});

async function importOf(page: Page, holders: readonly string[]) {
  for (const c of demo.certificates.filter((x) => holders.includes(x.holder))) {
    await page.goto(c.url);
    await page.getByTestId('import-confirm').click();
    await expect(page.getByTestId('import-done')).toBeVisible();
  }
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
  browser,
}) => {
  const context = await browser.newContext({ viewport: { width: 360, height: 640 } });
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  await expect(page.getByTestId('bundle-status')).toHaveAttribute('data-version', /^\d+$/);
  await importOf(page, ['Dewi Lestari', 'Andi Wijaya']);
  await page.goto(`${server.url}/wallet`);
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
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  // The pass says when the test was sampled too.
  await page.goto(`${server.url}/pass`);
  await page.getByRole('link', { name: /Andi Wijaya/ }).click();
  await expect(page.locator('[data-testid="pass-fact"][data-kind="test"]')).toContainText(SAMPLE);
  await context.close();
});

test('check-in: a refused person’s status is not a green chip under the red refusal', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 360, height: 640 } });
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  await expect(page.getByTestId('bundle-status')).toHaveAttribute('data-version', /^\d+$/);
  // Andi (Semarang) with his vaccination only, at the Kaltim governor's office: green, refused as a visitor
  // without a PCR.
  const vaccination = demo.certificates.find((c) => c.holder === 'Andi Wijaya' && c.kind === 'vaccination');
  await page.goto(vaccination?.url ?? '');
  await page.getByTestId('import-confirm').click();
  await expect(page.getByTestId('import-done')).toBeVisible();
  const office = demo.venues.find((v) => v.category === 'gov' && v.region.startsWith('64'));
  await page.goto(office?.url ?? '');
  const decision = page.getByTestId('decision').first();
  await expect(decision).toHaveAttribute('data-outcome', 'DENIED');
  await expect(decision).toHaveAttribute('data-status', 'green');
  const chip = decision.locator('.chip');
  await expect(chip).toContainText('Hijau');
  await expect(chip.locator('svg')).toHaveCount(1);
  expect(await looksGreen(chip)).toBe(false);
  const axe = await new AxeBuilder({ page }).include('[data-testid="decision"]').analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  await context.close();
});
