/**
 * Feedback on a successful scan: a short vibration always, a beep only when the user turned the sound on in
 * Settings (off by default). navigator.vibrate and AudioContext are recorded by an init script (headless
 * Chromium has neither a motor nor speakers to observe).
 */
import { expect, type Page, test } from '@playwright/test';
import { expectCheckInScreen, openApp, openScanEnv, openScanner, type ScanEnv } from '../support/scan-e2e';
import { writeQrY4m } from '../support/y4m';

let env: ScanEnv;

test.beforeAll(async () => {
  env = await openScanEnv();
});
test.afterAll(async () => {
  await env?.close();
});

interface Feedback {
  __vibrations: unknown[];
  __tones: number;
}

function recordFeedback() {
  const w = window as unknown as Feedback;
  w.__vibrations = [];
  w.__tones = 0;
  navigator.vibrate = (pattern: VibratePattern) => {
    w.__vibrations.push(pattern);
    return true;
  };
  const Original = window.AudioContext;
  window.AudioContext = class extends Original {
    override createOscillator() {
      w.__tones++;
      return super.createOscillator();
    }
  };
}

const feedback = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as Feedback;
    return { vibrations: w.__vibrations.length, tones: w.__tones };
  });

test('a scan vibrates; the beep sounds only once turned on in Settings', async () => {
  writeQrY4m(env.y4m, env.officeQr);
  const { context, page, errors } = await openApp(env);
  await context.addInitScript(recordFeedback);
  await page.reload();

  await openScanner(page);
  await expectCheckInScreen(page, env.office.name ?? '');
  expect(await feedback(page)).toEqual({ vibrations: 1, tones: 0 });

  await page.goto(`${env.server.url}/settings`);
  const sound = page.getByLabel(/bunyi|sound/i);
  await expect(sound).not.toBeChecked();
  await sound.check();
  await page.goto(`${env.server.url}/`);
  await openScanner(page);
  await expectCheckInScreen(page, env.office.name ?? '');
  expect(await feedback(page)).toEqual({ vibrations: 1, tones: 1 });
  expect(errors).toEqual([]);
  await context.close();
});
