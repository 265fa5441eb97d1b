/**
 * The guard's result at arm's length, at 360×640: the whole screen takes the colour of the answer — green,
 * yellow (admitted but partly vaccinated), red, black — always with the word and an icon; the word, the name
 * and the birth date large; reasons left-aligned; "match with the ID card" on the first screen; the result
 * stays until a tap (or the next person's scan), and is axe-clean in the light and the dark theme.
 */
import AxeBuilder from '@axe-core/playwright';
import { type BrowserContext, expect, type Page, test } from '@playwright/test';
import type { DemoJson } from '../../server/demo-page';
import { encodePass } from '../../src/core/pass-code';
import * as qrLink from '../../src/core/qr-link';
import { openScanEnv, type ScanEnv } from '../support/scan-e2e';
import { writeQrSequenceY4m } from '../support/y4m';

let env: ScanEnv;
let demo: DemoJson;

test.beforeAll(async () => {
  env = await openScanEnv();
  demo = await (await fetch(`${env.server.url}/demo.json`)).json();
});

test.afterAll(async () => {
  await env?.close();
});

/** The pass QR text of a demo person (all their certificates in one code), as their pass screen shows it. */
function passOf(holder: string): string {
  const codes = demo.certificates.filter((c) => c.holder === holder).map((c) => c.code);
  const parts = encodePass(codes);
  if (!parts.ok || parts.value.length !== 1) throw new Error(`no one-part pass for ${holder}`);
  return qrLink.qrText(qrLink.passLink(env.server.url, parts.value[0]));
}

async function guardPage(colorScheme: 'light' | 'dark'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await env.browser.newContext({ viewport: { width: 360, height: 640 }, colorScheme });
  const page = await context.newPage();
  await page.goto(`${env.server.url}/`);
  await expect(page.getByTestId('bundle-status')).toHaveAttribute('data-version', /^\d+$/);
  return { context, page };
}

/** Guard mode at a place (remembered as the app remembers it), the camera showing `qr`. */
async function scanAt(page: Page, place: { category: string; region: string }, qr: string) {
  writeQrSequenceY4m(env.y4m, [qr], 2, 1);
  await page.evaluate((p) => localStorage.setItem('singgah.verify.place', JSON.stringify(p)), place);
  await page.goto(`${env.server.url}/verify`);
  const result = page.getByTestId('verify-result');
  await expect(result).toBeVisible({ timeout: 20_000 });
  return result;
}

const rgb = (css: string) => (css.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);

async function expectArmsLength(page: Page, tone: string, word: string) {
  const result = page.getByTestId('verify-result');
  await expect(result).toHaveAttribute('data-tone', tone);
  // The whole screen.
  const box = await result.boundingBox();
  expect(box).not.toBeNull();
  if (!box) return;
  expect(box.x).toBeLessThanOrEqual(0);
  expect(box.y).toBeLessThanOrEqual(0);
  expect(box.width).toBeGreaterThanOrEqual(360);
  expect(box.height).toBeGreaterThanOrEqual(640);
  // Its colour, in words too: the answer's word and an icon.
  const [r, g, b] = rgb(await result.evaluate((el) => getComputedStyle(el).backgroundColor));
  const colour = {
    green: g > r && g > b,
    red: r > g && r > b,
    black: r + g + b < 120,
    yellow: r > 180 && g > 150 && b < 100,
  };
  expect(colour[tone as keyof typeof colour], `${tone} background rgb(${r},${g},${b})`).toBe(true);
  const outcome = page.getByTestId('verify-outcome');
  await expect(outcome).toContainText(word);
  await expect(outcome.locator('svg')).toHaveCount(1);
  // Large: the word, the name, the birth date.
  const px = async (id: string) =>
    Number.parseFloat(await page.getByTestId(id).evaluate((el) => getComputedStyle(el).fontSize));
  expect(await px('verify-outcome')).toBeGreaterThanOrEqual(32);
  expect(await px('verify-name')).toBeGreaterThanOrEqual(28);
  expect(await px('verify-birth')).toBeGreaterThanOrEqual(20);
  // "Match with the ID card" on the first screen, no scrolling.
  const match = await page.getByTestId('verify-match-id').boundingBox();
  expect(match && match.y + match.height).toBeLessThanOrEqual(640);
  const reasons = page.locator('[data-testid="verify-result"] .decision__reasons li');
  for (const li of await reasons.all())
    expect(await li.evaluate((el) => getComputedStyle(el).textAlign)).toMatch(/^(left|start)$/);
  const axe = await new AxeBuilder({ page }).include('[data-testid="verify-result"]').analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
}

for (const scheme of ['light', 'dark'] as const) {
  test(`green, yellow, red and black fill the screen, with words and icons (${scheme})`, async () => {
    test.setTimeout(180_000);
    const { context, page } = await guardPage(scheme);
    // Budi (Samarinda), fully vaccinated, at an office in his own province: green.
    await scanAt(page, { category: 'gov', region: '64' }, passOf('Budi Santoso'));
    await expectArmsLength(page, 'green', 'Boleh masuk');
    // Siti, one dose of two, at a mosque (green and yellow admitted): yellow.
    await scanAt(page, { category: 'worship', region: '33' }, passOf('Siti Rahayu'));
    await expectArmsLength(page, 'yellow', 'Boleh masuk');
    // Budi at an office in Jawa Tengah, a visitor without a PCR: red, with the rule's reason.
    await scanAt(page, { category: 'gov', region: '33' }, passOf('Budi Santoso'));
    await expectArmsLength(page, 'red', 'Tidak boleh masuk');
    await expect(page.locator('[data-testid="verify-result"] .decision__reasons li')).not.toHaveCount(0);
    // Dewi, positive: black.
    await scanAt(page, { category: 'worship', region: '33' }, passOf('Dewi Lestari'));
    await expectArmsLength(page, 'black', 'Tidak boleh masuk');
    await context.close();
  });
}

test('the result stays until a tap, not a timer', async () => {
  test.setTimeout(120_000);
  const { context, page } = await guardPage('light');
  const result = await scanAt(page, { category: 'gov', region: '64' }, passOf('Budi Santoso'));
  await page.evaluate(() => {
    const w = window as unknown as { __resultCleared?: boolean };
    new MutationObserver(() => {
      if (!document.querySelector('[data-testid="verify-result"]')) w.__resultCleared = true;
    }).observe(document.body, { childList: true, subtree: true });
  });
  await page.waitForTimeout(12_000);
  expect(await page.evaluate(() => (window as unknown as { __resultCleared?: boolean }).__resultCleared)).toBeFalsy();
  await expect(result).toBeVisible();
  // A tap anywhere on it clears it for the next person.
  await page.getByTestId('verify-name').click();
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { __resultCleared?: boolean }).__resultCleared))
    .toBe(true);
  await context.close();
});
