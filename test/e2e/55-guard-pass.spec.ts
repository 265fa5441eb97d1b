/**
 * A guard is never told "refused" when more codes of the same person could overturn it. Andi (vaccinated,
 * negative PCR, a visitor from Jawa Tengah) at the Kaltim governor's office needs both certificates: his pass
 * shows them in one QR, and the guard's camera reading it (a screenshot of his pass, played by the fake
 * camera) gets "Boleh masuk" without a refusal ever on screen. A pass too big for one QR comes in parts: with
 * part 1 read the guard is told "scan the next code (1 of 2)", never a refusal, and part 2 completes it.
 */
import type { BrowserContextOptions, Page } from '@playwright/test';
import { encodePass } from '../../src/core/pass-code';
import * as qrLink from '../../src/core/qr-link';
import type { AppPage } from '../support/app-page';
import { type Demo, expect, test } from '../support/fixtures';
import { readPassQr } from '../support/pass-qr';
import { writeBlankY4m, writeQrSequenceY4m } from '../support/y4m';

test.use({ camera: 'fake' });

type OpenApp = (options?: BrowserContextOptions) => Promise<AppPage>;

/** Every guard result the page ever showed: its outcome (if any), its verdict and its text. */
interface Seen {
  outcome: string | null;
  verdict: string | null;
  text: string;
}

function recordResults() {
  const w = window as unknown as { __seen: Seen[] };
  w.__seen = [];
  const note = () => {
    const el = document.querySelector('[data-testid="verify-result"]');
    if (!el) return;
    const entry = {
      outcome: el.getAttribute('data-outcome'),
      verdict: el.getAttribute('data-verdict'),
      text: el.textContent ?? '',
    };
    const last = w.__seen.at(-1);
    if (!last || last.outcome !== entry.outcome || last.verdict !== entry.verdict || last.text !== entry.text)
      w.__seen.push(entry);
  };
  new MutationObserver(note).observe(document, { childList: true, subtree: true, attributes: true });
}

const seen = (page: Page) => page.evaluate(() => (window as unknown as { __seen: Seen[] }).__seen);

/**
 * A guard's phone with the rules, at the governor's office (government office, Kalimantan Timur). Show the camera
 * its code (`guard.cameraFile`) before: scanning starts here.
 */
async function openGuard(guard: AppPage): Promise<Page> {
  await guard.context.addInitScript(recordResults);
  await guard.open();
  await guard.guardScan('gov', '64');
  await expect(guard.page.getByTestId('verify-venue')).toHaveAttribute('data-region', '64');
  return guard.page;
}

/** Every QR Andi's pass shows, read off the screen of his phone (all of them when the pass cycles). */
async function readAndisPass(openApp: OpenApp, demo: Demo): Promise<string[]> {
  const citizen = await openApp({ viewport: { width: 360, height: 640 }, deviceScaleFactor: 2 });
  const phone = citizen.page;
  await citizen.open();
  await citizen.importCertificates(demo.certificatesOf('Andi Wijaya').map((c) => c.url));
  await citizen.goto('/pass');
  await expect(phone.getByTestId('pass-qr')).toBeVisible();
  const codes = [await readPassQr(phone)];
  const index = phone.getByTestId('pass-qr-index');
  if ((await index.count()) > 0) {
    const total = Number((await index.textContent())?.match(/dari (\d+)/)?.[1]);
    for (let n = 2; n <= total; n++) {
      await phone.getByRole('button', { name: 'Kode berikutnya' }).click();
      await expect(index).toHaveText(`Kode ${n} dari ${total}`);
      codes.push(await readPassQr(phone));
    }
  }
  await citizen.context.close();
  return codes;
}

test('Andi at the governor’s office: one pass QR, "Boleh masuk", never a refusal on the way', async ({
  openApp,
  demo,
}) => {
  test.setTimeout(120_000);
  const codes = await readAndisPass(openApp, demo);
  const guard = await openApp({ viewport: { width: 360, height: 640 } });
  writeQrSequenceY4m(guard.cameraFile, codes);
  const page = await openGuard(guard);
  const result = page.getByTestId('verify-result');
  await expect(result).toHaveAttribute('data-outcome', 'ALLOWED', { timeout: 20_000 });
  await expect(result).toContainText('Boleh masuk');
  await expect(page.getByTestId('verify-name')).toHaveText('Andi Wijaya');
  await expect(page.getByTestId('verify-combined')).toContainText('2 sertifikat');
  // Stays a few seconds while the camera keeps seeing the pass: nothing else ever came up.
  await page.waitForTimeout(3_000);
  const shown = await seen(page);
  expect(shown.length).toBeGreaterThan(0);
  expect(shown.filter((s) => s.outcome !== 'ALLOWED')).toEqual([]);
  expect(shown.map((s) => s.text).join(' ')).not.toContain('Tidak boleh masuk');
  await guard.expectAxeClean();
  // Both certificates in the one QR: a guard needs one scan.
  expect(codes).toHaveLength(1);
  expect(codes[0]).toMatch(/^HTTPS?:\/\/[^/]+\/P#\d+$/i);
});

test('a pass opened as a link by a phone’s own camera app is decided in guard mode', async ({ openApp, demo }) => {
  test.setTimeout(120_000);
  const [code] = await readAndisPass(openApp, demo);
  // The guard's camera sees nothing: the decision comes from the link alone.
  const guard = await openApp({ viewport: { width: 360, height: 640 } });
  writeBlankY4m(guard.cameraFile);
  const page = await openGuard(guard);
  // The camera app opens the upper-case QR text; the browser lower-cases only scheme and host.
  await guard.goto(`${new URL(code).pathname}${new URL(code).hash}`);
  const result = page.getByTestId('verify-result');
  await expect(result).toHaveAttribute('data-outcome', 'ALLOWED', { timeout: 20_000 });
  await expect(page.getByTestId('verify-name')).toHaveText('Andi Wijaya');
  expect((await seen(page)).filter((s) => s.outcome && s.outcome !== 'ALLOWED')).toEqual([]);
});

test('a pass in two parts: "scan the next code (1 of 2)" first, never a refusal, then "Boleh masuk"', async ({
  openApp,
  demo,
  server,
}) => {
  test.setTimeout(120_000);
  // Andi's two certificates forced into two parts (as a pass with more certificates than one QR holds is).
  const inner = demo.certificatesOf('Andi Wijaya').map((c) => c.url.slice(c.url.indexOf('#') + 1));
  const split = encodePass(inner, 700);
  expect(split.ok && split.value.length).toBe(2);
  if (!split.ok) return;
  const parts = split.value.map((d) => qrLink.qrText(qrLink.passLink(server.url, d)));
  // Part 1 for 4 s, then part 2.
  const guard = await openApp({ viewport: { width: 360, height: 640 } });
  writeQrSequenceY4m(guard.cameraFile, parts, 4);
  const page = await openGuard(guard);
  const result = page.getByTestId('verify-result');
  await expect(result).toHaveAttribute('data-verdict', 'scan-next', { timeout: 20_000 });
  await expect(result).toContainText('Pindai kode berikutnya (1 dari 2)');
  await expect(result).not.toHaveAttribute('data-outcome', /.+/);
  await guard.expectAxeClean('[data-testid="verify-result"]');
  await expect(result).toHaveAttribute('data-outcome', 'ALLOWED', { timeout: 20_000 });
  const shown = await seen(page);
  expect(shown.some((s) => s.verdict === 'scan-next')).toBe(true);
  expect(shown.filter((s) => s.outcome && s.outcome !== 'ALLOWED')).toEqual([]);
  expect(shown.map((s) => s.text).join(' ')).not.toContain('Tidak boleh masuk');
});
