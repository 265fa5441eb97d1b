/**
 * Pass for the guard: full-screen status with colour + icon + words, name, the facts behind the
 * status, a running clock with seconds and a moving element (a ticking one under reduced motion), and a pass QR
 * the verifier mode can scan — decoded here from a screenshot of the screen and checked to hold the person's
 * signed certificates. Then the server is stopped and the pass still opens.
 */
import { parseScanned } from '../../src/core/qr-link';
import { expect, test } from '../support/fixtures';
import { readPassQr } from '../support/pass-qr';

test('the pass shows status, facts, a live clock, motion and a scannable QR; offline too', async ({
  openApp,
  demo,
  server,
}) => {
  const app = await openApp({ viewport: { width: 360, height: 640 }, deviceScaleFactor: 2 });
  const { page } = app;
  await app.open();
  await app.importCertificates(
    [...demo.certificatesOf('Budi Santoso'), ...demo.certificatesOf('Andi Wijaya')].map((c) => c.url),
  );

  // Two people: /pass asks whose; Home links to each person's pass.
  await app.goto('/pass');
  await expect(page.getByTestId('pass-choose')).toHaveCount(2);
  await app.goto('/');
  await page.getByRole('link', { name: /Andi Wijaya/ }).click();
  await expect(page).toHaveURL(/\/pass\/andi%20wijaya%7C1978-01-30$/);

  const pass = page.getByTestId('pass');
  await expect(pass).toHaveAttribute('data-status', 'green');

  // One pass QR holds both of Andi's certificates: the vaccination (the deciding one), then his PCR.
  const andi = demo.certificatesOf('Andi Wijaya');
  const vaccination = andi.find((c) => c.kind === 'vaccination');
  const pcr = andi.find((c) => c.kind === 'test');
  const expectedPass = [vaccination, pcr].map((c) => c?.url.slice(c.url.indexOf('#') + 1));
  const passCodes = async () => {
    const scanned = parseScanned(await readPassQr(page));
    return scanned.ok && scanned.value.kind === 'pass' ? scanned.value.part.certificates.map((c) => c.code) : scanned;
  };
  await expect(page.getByTestId('pass-qr-index')).toHaveCount(0);
  expect(await passCodes()).toEqual(expectedPass);

  await expect(pass.locator('.chip')).toContainText('Hijau');
  await expect(pass.locator('.chip svg')).toHaveCount(1);
  await expect(page.getByTestId('pass-name')).toHaveText('Andi Wijaya');
  await expect(page.getByTestId('pass-brightness')).toContainText('kecerahan');
  const facts = page.getByTestId('pass-fact');
  await expect(facts).toHaveCount(2);
  await expect(facts.nth(0)).toHaveAttribute('data-kind', 'vaccination');
  await expect(facts.nth(0)).toContainText(/^2 dari 2 dosis, terakhir \d{1,2} \w+ \d{4}$/);
  await expect(facts.nth(1)).toHaveText(/^PCR Negatif, sampel \d{1,2} \w+ \d{4}, \d{2}\.\d{2} \([34] jam lalu\)$/);

  // The clock runs with seconds; the bar moves (a CSS animation).
  const clock = page.getByTestId('pass-clock');
  const first = await clock.textContent();
  expect(first).toMatch(/\d{2}[.:]\d{2}[.:]\d{2}/);
  await expect(clock).not.toHaveText(first ?? '', { timeout: 3_000 });
  const dot = page.locator('.pass__dot');
  expect(await dot.evaluate((el) => getComputedStyle(el).animationName)).toBe('pass-slide');
  const x1 = await dot.evaluate((el) => el.getBoundingClientRect().x);
  await page.waitForTimeout(400);
  expect(await dot.evaluate((el) => el.getBoundingClientRect().x)).not.toBe(x1);

  await app.expectAxeClean();

  // Reduced motion: no animation, the dot steps once a second instead.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  expect(await dot.evaluate((el) => getComputedStyle(el).animationName)).toBe('none');
  const tick = await dot.getAttribute('data-tick');
  await expect(dot).not.toHaveAttribute('data-tick', tick ?? '', { timeout: 3_000 });

  // Offline: the worker controls the page (precached app), the server is stopped, the pass still opens.
  await app.waitForServiceWorker();
  const url = page.url();
  await server.stop();
  await page.goto(url);
  await expect(pass).toHaveAttribute('data-status', 'green');
  await expect(page.getByTestId('pass-name')).toHaveText('Andi Wijaya');
  await expect(clock).not.toHaveText((await clock.textContent()) ?? '', { timeout: 3_000 });
  expect(await passCodes()).toEqual(expectedPass);
});
