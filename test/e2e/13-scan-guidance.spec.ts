/**
 * Never a silent scanner: a QR code that is not Singgah's says so and shows what it is; a refused camera
 * explains how to allow it and still offers the photo and paste ways in (which work).
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { encodePng, posterPhoto } from '../support/qr-images';
import { expectCheckInScreen, openApp, openScanEnv, openScanner, type ScanEnv } from '../support/scan-e2e';
import { writeQrY4m } from '../support/y4m';

test.describe('with a camera', () => {
  let env: ScanEnv;
  test.beforeAll(async () => {
    env = await openScanEnv();
  });
  test.afterAll(async () => {
    await env?.close();
  });

  test('a foreign QR code: "not a Singgah code" and the link it holds', async () => {
    writeQrY4m(env.y4m, 'https://promo.example/discount?code=42');
    const { context, page, errors } = await openApp(env);
    await openScanner(page);
    const note = page.getByTestId('scan-error');
    await expect(note).toHaveAttribute('data-code', 'NOT_SINGGAH_CODE');
    await expect(note).toContainText('promo.example');
    // Still scanning: the screen stays, the camera runs.
    await expect(page).toHaveURL(/\/scan$/);
    await expect(page.getByTestId('scanner-state')).toHaveAttribute('data-state', 'running');
    const axe = await new AxeBuilder({ page }).analyze();
    expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});

test.describe('camera refused', () => {
  let env: ScanEnv;
  test.beforeAll(async () => {
    env = await openScanEnv('denied');
  });
  test.afterAll(async () => {
    await env?.close();
  });

  test('explains how to allow the camera and the photo import still works', async () => {
    const { context, page } = await openApp(env);
    await page.getByTestId('scan-button').click();
    const alert = page.getByTestId('camera-error');
    await expect(alert).toHaveAttribute('data-code', 'CAMERA_DENIED');
    await expect(alert).toContainText(/izin|allow/i);
    await expect(page.getByRole('button', { name: /coba lagi|try again/i })).toBeVisible();
    const axe = await new AxeBuilder({ page }).analyze();
    expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    await page.getByTestId('scan-image').setInputFiles({
      name: 'screenshot.png',
      mimeType: 'image/png',
      buffer: encodePng(posterPhoto(env.officeQr, { width: 800, height: 600, seed: 2 })),
    });
    await expectCheckInScreen(page, env.office.name ?? '');
    await context.close();
  });
});
