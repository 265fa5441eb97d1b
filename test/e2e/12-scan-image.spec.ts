/**
 * "Pick a photo or screenshot": a generated PNG photograph of the venue poster (perspective, slight rotation,
 * blur, glare, sensor noise; test/support/qr-images.ts) is decoded through the same decoder chain as the
 * camera and opens the check-in screen. A picture without a code and a file that is not a picture say so.
 */
import { expect, test } from '../support/fixtures';
import { hardPhoto } from '../support/hard-photos';
import { encodePng, posterPhoto } from '../support/qr-images';

/** ZXing-C++'s WebAssembly, the photo import's fallback (src/scan/wasm-fallback.ts): fetched only when needed. */
const isWasmFallback = (url: string) => /zxing_reader-[\w-]+\.wasm$/.test(new URL(url).pathname);

test.use({ camera: 'fake' });

test('a photo of the poster, taken at an angle, opens the check-in screen', async ({ app, demo }) => {
  const wasm: string[] = [];
  app.page.on('request', (r) => {
    if (isWasmFallback(r.url())) wasm.push(r.url());
  });
  const photo = posterPhoto(demo.office.qrText, {
    width: 1280,
    height: 960,
    corners: [
      [416, 88],
      [872, 128],
      [896, 904],
      [376, 848],
    ],
    blur: 1,
    noise: 6,
    glare: { x: 560, y: 400, radius: 210, strength: 0.35 },
    seed: 12,
  });
  await app.open();
  await app.openScanner();
  await app.page.getByLabel(/foto|photo/i).setInputFiles({
    name: 'poster.png',
    mimeType: 'image/png',
    buffer: encodePng(photo),
  });
  await app.expectCheckInScreen(demo.office.name);
  expect(app.errors).toEqual([]);
  // Singgah's own chain read it: the ~410 KB fallback was not downloaded.
  expect(wasm).toEqual([]);
});

test('a photo too hard for our own chain is read by the zxing-wasm fallback, self-hosted, then offline', async ({
  app,
  demo,
}) => {
  // The poster's code seen from the side, one edge at half the size of the other, turned 90° (a phone that
  // saved it without EXIF rotation), JPEG: zxing-js loses the finder patterns, ZXing-C++ reads it.
  const photo = {
    name: 'side.jpg',
    mimeType: 'image/jpeg',
    buffer: hardPhoto('steep', 0, 90, demo.office.qrText).jpeg,
  };
  const requests: string[] = [];
  app.page.on('request', (r) => {
    requests.push(r.url());
  });
  await app.open();
  await app.waitForServiceWorker();
  await app.openScanner();
  await app.page.getByTestId('scan-image').setInputFiles(photo);
  await app.expectCheckInScreen(demo.office.name);
  const origin = new URL(app.page.url()).origin;
  const wasm = requests.filter(isWasmFallback);
  expect(wasm).toHaveLength(1);
  // From the app's own origin, never a CDN.
  expect(new URL(wasm[0]).origin).toBe(origin);
  expect(requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:'))).toEqual([]);

  // Not precached, but kept by the service worker once fetched: offline, a reloaded app still reads it.
  await app.context.setOffline(true);
  await app.page.goto(app.url('/'));
  await app.openScanner();
  await app.page.getByTestId('scan-image').setInputFiles(photo);
  await app.expectCheckInScreen(demo.office.name);
  expect(app.errors).toEqual([]);
});

test('a picture without a QR code, and a file that is not a picture, are explained', async ({ app }) => {
  const { page } = app;
  await app.open();
  await app.openScanner();
  const input = page.getByTestId('scan-image');
  const empty = { width: 64, height: 48, data: new Uint8ClampedArray(64 * 48 * 4).fill(230) };
  await input.setInputFiles({ name: 'wall.png', mimeType: 'image/png', buffer: encodePng(empty) });
  await expect(page.getByTestId('image-error')).toHaveAttribute('data-code', 'IMAGE_NO_QR');
  await input.setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('not a picture') });
  await expect(page.getByTestId('image-error')).toHaveAttribute('data-code', 'IMAGE_UNREADABLE');
  await expect(page).toHaveURL(/\/scan$/);
});
