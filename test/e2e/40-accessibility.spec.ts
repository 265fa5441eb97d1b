/**
 * axe-core on every screen (test/support/screens.ts), in both languages and both themes, on a 360×640 phone:
 * zero violations of any rule axe runs by default (WCAG 2.x A/AA and its best practices). Colour contrast is
 * computed from the real rendered colours, so this is also the check of both themes' palettes. The EU DCC screens
 * run on a second phone holding a demo DCC, in a browser whose fake camera shows guard mode an HC1 code.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, type BrowserContext, chromium, expect, type Page, test } from '@playwright/test';
import type { DemoJson } from '../../server/demo-page';
import { CHROMIUM_PATH, chromiumArgs, fakeCameraArgs } from '../support/chromium';
import { e2eEnv } from '../support/e2e-data';
import {
  allScreens,
  chooseLook,
  dccScreens,
  LANGS,
  openScreen,
  prepareDccPhone,
  preparePhone,
  THEMES,
  untrustedDcc,
} from '../support/screens';
import { type ServerProcess, startServerProcess } from '../support/server-process';
import { writeBlankY4m } from '../support/y4m';

let server: ServerProcess;
let demo: DemoJson;
let context: BrowserContext;
let page: Page;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser }) => {
  const { data, dist } = e2eEnv();
  server = await startServerProcess(data, dist);
  demo = await (await fetch(`${server.url}/demo.json`)).json();
  context = await browser.newContext({ viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true });
  page = await context.newPage();
  await preparePhone(page, server.url, demo);
});

test.afterAll(async () => {
  await context?.close();
  await server?.stop();
});

test('the screens cover every route the router knows', () => {
  const names = allScreens(server.url, demo).map((s) => s.name);
  expect(names).toEqual(
    expect.arrayContaining(['home', 'scan', 'checkin', 'certificate', 'history', 'settings', 'report']),
  );
});

for (const lang of LANGS) {
  for (const theme of THEMES) {
    test(`no axe violations on any screen: ${lang}, ${theme}`, async () => {
      await chooseLook(page, lang, theme);
      const found: string[] = [];
      for (const screen of allScreens(server.url, demo)) {
        await page.goto(screen.url);
        await screen.ready(page);
        found.push(...(await violations(page, screen.name, lang, theme)));
      }
      expect(found).toEqual([]);
    });
  }
}

async function violations(on: Page, name: string, lang: string, theme: string): Promise<string[]> {
  await expect(on.locator('html')).toHaveAttribute('lang', lang);
  await expect(on.locator('html')).toHaveAttribute('data-theme', theme);
  const results = await new AxeBuilder({ page: on }).analyze();
  return results.violations.map(
    (v) => `${name}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

test.describe('the EU DCC screens', () => {
  let browser: Browser;
  let phone: Page;
  let work: string;
  let camera: string;
  let refused: string;

  test.beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'singgah-a11y-dcc-'));
    camera = join(work, 'camera.y4m');
    writeBlankY4m(camera, { level: 90 });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: chromiumArgs(fakeCameraArgs(camera)) });
    const dccContext = await browser.newContext({
      viewport: { width: 360, height: 640 },
      isMobile: true,
      hasTouch: true,
    });
    phone = await dccContext.newPage();
    await prepareDccPhone(phone, server.url, demo);
    refused = untrustedDcc(Math.floor(Date.now() / 1000));
  });
  test.afterAll(async () => {
    await browser?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  for (const lang of LANGS) {
    for (const theme of THEMES) {
      test(`no axe violations on the EU DCC screens: ${lang}, ${theme}`, async () => {
        test.setTimeout(120_000);
        await chooseLook(phone, lang, theme);
        const found: string[] = [];
        const screens = dccScreens(server.url, demo, refused);
        expect(screens.map((s) => s.name)).toEqual([
          'dcc-import',
          'dcc-wallet',
          'dcc-refused',
          'dcc-pass',
          'dcc-guard',
        ]);
        for (const screen of screens) {
          await openScreen(phone, screen, camera);
          found.push(...(await violations(phone, screen.name, lang, theme)));
        }
        expect(found).toEqual([]);
      });
    }
  }
});
