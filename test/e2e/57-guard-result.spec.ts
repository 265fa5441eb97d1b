/**
 * The guard's result at arm's length, at 360×640: the whole screen takes the colour of the answer — green,
 * yellow (admitted but partly vaccinated), red, black — always with the word and an icon; the word, the name
 * and the birth date large; reasons left-aligned; "match with the ID card" on the first screen; the result
 * stays until a tap (or the next person's scan), and is axe-clean in the light and the dark theme.
 */
import { encodePass } from '../../src/core/pass-code';
import * as qrLink from '../../src/core/qr-link';
import type { AppPage } from '../support/app-page';
import { type Demo, expect, test } from '../support/fixtures';
import { writeQrSequenceY4m } from '../support/y4m';

test.use({ camera: 'fake', viewport: { width: 360, height: 640 } });

/** The pass QR text of a demo person (all their certificates in one code), as their pass screen shows it. */
function passOf(app: AppPage, demo: Demo, holder: string): string {
  const codes = demo.certificatesOf(holder).map((c) => c.code);
  const parts = encodePass(codes);
  if (!parts.ok || parts.value.length !== 1) throw new Error(`no one-part pass for ${holder}`);
  return qrLink.qrText(qrLink.passLink(app.server.url, parts.value[0]));
}

/**
 * Guard mode at a place (remembered as the app remembers it), the camera showing `qr`. The file is rewritten
 * while a capture may still run: the navigation to /verify ends it and the next one reads the new file.
 */
async function scanAt(app: AppPage, place: { category: string; region: string }, qr: string) {
  const { page } = app;
  writeQrSequenceY4m(app.cameraFile, [qr], 2, 1);
  await page.evaluate((p) => localStorage.setItem('singgah.verify.place', JSON.stringify(p)), place);
  await app.goto('/verify');
  const result = page.getByTestId('verify-result');
  await expect(result).toBeVisible({ timeout: 20_000 });
  return result;
}

const rgb = (css: string) => (css.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);

async function expectArmsLength(app: AppPage, tone: string, word: string) {
  const { page } = app;
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
  await app.expectAxeClean('[data-testid="verify-result"]');
}

for (const scheme of ['light', 'dark'] as const) {
  test(`green, yellow, red and black fill the screen, with words and icons (${scheme})`, async ({ openApp, demo }) => {
    test.setTimeout(180_000);
    const app = await openApp({ colorScheme: scheme });
    const { page } = app;
    await app.open();
    const passOfHolder = (holder: string) => passOf(app, demo, holder);
    // Budi (Samarinda), fully vaccinated, at an office in his own province: green.
    await scanAt(app, { category: 'gov', region: '64' }, passOfHolder('Budi Santoso'));
    await expectArmsLength(app, 'green', 'Boleh masuk');
    // Siti, one dose of two, at a mosque (green and yellow admitted): yellow.
    await scanAt(app, { category: 'worship', region: '33' }, passOfHolder('Siti Rahayu'));
    await expectArmsLength(app, 'yellow', 'Boleh masuk');
    // Budi at an office in Jawa Tengah, a visitor without a PCR: red, with the rule's reason.
    await scanAt(app, { category: 'gov', region: '33' }, passOfHolder('Budi Santoso'));
    await expectArmsLength(app, 'red', 'Tidak boleh masuk');
    await expect(page.locator('[data-testid="verify-result"] .decision__reasons li')).not.toHaveCount(0);
    // Dewi, positive: black.
    await scanAt(app, { category: 'worship', region: '33' }, passOfHolder('Dewi Lestari'));
    await expectArmsLength(app, 'black', 'Tidak boleh masuk');
  });
}

test('the result stays until a tap, not a timer', async ({ openApp, demo }) => {
  test.setTimeout(120_000);
  const app = await openApp({ colorScheme: 'light' });
  const { page } = app;
  await app.open();
  const result = await scanAt(app, { category: 'gov', region: '64' }, passOf(app, demo, 'Budi Santoso'));
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
});
