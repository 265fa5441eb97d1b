/**
 * axe-core on every screen (test/support/screens.ts), in both languages and both themes, on a 360×640 phone:
 * zero violations of any rule axe runs by default (WCAG 2.x A/AA and its best practices). Colour contrast is
 * computed from the real rendered colours, so this is also the check of both themes' palettes. The EU DCC screens
 * run on a second phone holding a demo DCC, in the worker's fake-camera browser, which shows guard mode an HC1 code.
 */
import AxeBuilder from '@axe-core/playwright';
import type { BrowserContext, Page } from '@playwright/test';
import { type Demo, expect, test } from '../support/fixtures';
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
import type { E2eServer } from '../support/server-process';

let server: E2eServer;
let demo: Demo;
let context: BrowserContext;
let page: Page;

test.describe.configure({ mode: 'serial' });

// One phone through every language × theme (the app page fixture is per test).
test.beforeAll(async ({ browser, server: worker, demo: json }) => {
  server = worker;
  demo = json;
  context = await browser.newContext({ viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true });
  page = await context.newPage();
  await preparePhone(page, server.url, demo);
});

test.afterAll(async () => {
  await context?.close();
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
  let dccContext: BrowserContext;
  let phone: Page;
  let camera: string;
  let refused: string;

  test.beforeAll(async ({ cameras }) => {
    const fake = await cameras.fake();
    camera = fake.y4m;
    dccContext = await fake.browser.newContext({
      viewport: { width: 360, height: 640 },
      isMobile: true,
      hasTouch: true,
    });
    phone = await dccContext.newPage();
    await prepareDccPhone(phone, server.url, demo);
    refused = untrustedDcc(Math.floor(Date.now() / 1000));
  });
  test.afterAll(async () => {
    await dccContext?.close();
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
