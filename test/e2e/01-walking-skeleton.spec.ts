/**
 * The walking skeleton, end to end with every real part: a fresh Chromium profile imports a demo
 * certificate, scans the venue poster through the (fake) camera, sees the decision, checks in, sees it
 * in history, checks out — then the server is stopped and the browser set offline, the app reloads
 * from the service worker and a second check-in through the camera works.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, chromium, expect, type Page, test } from '@playwright/test';
import { qrText } from '../../src/core/qr-link';
import { CHROMIUM_PATH, chromiumArgs, fakeCameraArgs } from '../support/chromium';
import type { DemoEntry } from '../support/e2e-data';
import { type ServerProcess, startServerProcess } from '../support/server-process';
import { writeQrY4m } from '../support/y4m';

let server: ServerProcess;
let browser: Browser;
let work: string;
let demo: { venues: DemoEntry[]; certificates: DemoEntry[] };

test.beforeAll(async () => {
  const dataDir = process.env.SINGGAH_E2E_DATA;
  const distDir = process.env.SINGGAH_E2E_DIST;
  if (!dataDir || !distDir) throw new Error('global setup did not run');
  server = await startServerProcess(dataDir, distDir);
  demo = await (await fetch(`${server.url}/demo.json`)).json();
  work = mkdtempSync(join(tmpdir(), 'singgah-cam-'));
  const office = demo.venues.find((v) => v.name === 'Kantor Gubernur Kalimantan Timur');
  if (!office) throw new Error('demo venue missing');
  // The poster's QR text, exactly as printed (upper-case prefix), shown to the fake camera.
  writeQrY4m(join(work, 'venue.y4m'), qrText(office.url));
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: chromiumArgs(fakeCameraArgs(join(work, 'venue.y4m'))),
  });
});

test.afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
}

async function scanAndDecide(page: Page) {
  await page.getByTestId('scan-button').click();
  // The camera decodes the poster and the app navigates to the check-in screen (the scan screen may be gone
  // before a check for its video could see it).
  await expect(page).toHaveURL(/\/v#\d+$/, { timeout: 20_000 });
  const decision = page.getByTestId('decision');
  await expect(decision).toHaveCount(1);
  await expect(decision).toHaveAttribute('data-outcome', 'ALLOWED');
  await expect(decision).toHaveAttribute('data-status', 'green');
}

test('import → scan → decide → check in → offline reload → check in again', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));

  // 1. Fresh profile: the app loads, fetches and verifies the signed bundle, installs its worker.
  await page.goto(`${server.url}/`);
  await expect(page.getByTestId('bundle-status')).toHaveAttribute('data-version', /^\d+$/);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
    }
  });
  await expectAccessible(page);

  // 2. Import Budi's certificate by opening its link (as the phone's camera app would).
  const budi = demo.certificates.find((c) => c.holder === 'Budi Santoso' && c.kind === 'vaccination');
  if (!budi) throw new Error('demo certificate missing');
  await page.goto(budi.url);
  await page.getByTestId('import-confirm').click();
  await expect(page.getByTestId('import-done')).toBeVisible();
  await expectAccessible(page);

  // 3. Scan the venue QR through the camera → decision: fully vaccinated resident, ALLOWED, green.
  await page.goto(`${server.url}/`);
  await scanAndDecide(page);
  await expect(page.getByText('Kantor Gubernur Kalimantan Timur').first()).toBeVisible();
  await expectAccessible(page);

  // 4. Confirm → stored → in history; then check out.
  await page.getByTestId('checkin-confirm').click();
  await expect(page.getByTestId('checkin-done')).toBeVisible();
  await page.goto(`${server.url}/history`);
  await expect(page.getByTestId('history-item')).toHaveCount(1);
  await expect(page.getByTestId('history-item').first()).toContainText('Kantor Gubernur Kalimantan Timur');
  await expectAccessible(page);
  await page.getByTestId('history-checkout').click();
  await expect(page.getByTestId('history-checkout')).toHaveCount(0);

  // 5. Network gone: the server is stopped and the browser is offline.
  await server.stop();
  await context.setOffline(true);
  await page.goto(`${server.url}/`);
  await expect(page.getByTestId('scan-button')).toBeVisible();

  // …scanning (the decoder chunk comes from the precache), deciding and checking in still work.
  await scanAndDecide(page);
  await page.getByTestId('checkin-confirm').click();
  await expect(page.getByTestId('checkin-done')).toBeVisible();
  await page.goto(`${server.url}/history`);
  await expect(page.getByTestId('history-item')).toHaveCount(2);

  expect(errors).toEqual([]);
  await context.close();
});
