/**
 * axe-core on every screen (test/support/screens.ts), in both languages and both themes, on a 360×640 phone:
 * zero violations of any rule axe runs by default (WCAG 2.x A/AA and its best practices). Colour contrast is
 * computed from the real rendered colours, so this is also the check of both themes' palettes.
 */
import AxeBuilder from '@axe-core/playwright';
import type { BrowserContext, Page } from '@playwright/test';
import { type Demo, expect, test } from '../support/fixtures';
import { allScreens, chooseLook, LANGS, preparePhone, THEMES } from '../support/screens';
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
        await expect(page.locator('html')).toHaveAttribute('lang', lang);
        await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
        const results = await new AxeBuilder({ page }).analyze();
        for (const v of results.violations) {
          found.push(
            `${screen.name}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
          );
        }
      }
      expect(found).toEqual([]);
    });
  }
}
