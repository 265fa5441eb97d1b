/**
 * Exposure notification end to end, in Chromium against the real server (own data dir): citizen A checks in at the governor's
 * office; citizen B (another browser context) checks in there too, tests positive and uploads their visits
 * with a case code a health officer made with the CLI (`singgah case create`): Settings → "I tested positive" →
 * code → visits (all of the last 14 days, pre-selected) → send. A is offline during the upload; back online,
 * A's app pulls the notice, verifies it against its bundle, matches it locally and shows the exposure alert
 * with the right level, and marks the visit in the history.
 *
 * Both visits are made 40 minutes in the past (the page clock is set back with Playwright's clock), so the
 * overlap — 40 minutes — is a high-level exposure without the test waiting for it.
 */
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { checkIn, expectAxeClean, openHome } from '../support/app-page';
import { runCli } from '../support/e2e-data';
import { type Demo, expect, test } from '../support/fixtures';
import type { E2eServer } from '../support/server-process';

let server: E2eServer;
let office: Demo['office'];
let caseCode: string;

test.use({
  serverOptions: {
    // The health officer's case code, made before the server starts (PGlite: one process per data dir).
    prepare(dataDir) {
      const out = runCli(dataDir, ['case', 'create']);
      const m = /\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b/.exec(out);
      if (!m) throw new Error(`no case code in CLI output:\n${out}`);
      caseCode = m[0];
    },
  },
});

test.beforeAll(({ server: worker, demo }) => {
  server = worker;
  office = demo.office;
});

const VISIT_MINUTES_AGO = 40;

async function citizen(browser: Browser, visitAt: Date): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.clock.install({ time: visitAt });
  await openHome(page, `${server.url}/`);
  await page.goto(office.url);
  // The page's clock is 40 minutes behind the server's (trusted) time: the decision cannot be verified, so the
  // person goes in as checked by the guard by hand.
  await expect(page.getByTestId('decision')).toHaveAttribute('data-outcome', 'CANNOT_VERIFY');
  await page.getByTestId('people-picker-person').click();
  await page.getByTestId('hand-check-confirm').click();
  await checkIn(page);
  return { context, page };
}

test('A checks in; B, positive, uploads with a case code while A is offline; A back online sees a high alert', async ({
  browser,
}) => {
  const visitAt = new Date(Date.now() - VISIT_MINUTES_AGO * 60_000);
  const a = await citizen(browser, visitAt);
  const errors: string[] = [];
  a.page.on('pageerror', (e) => errors.push(e.message));
  await a.page.goto(`${server.url}/`);
  await expect(a.page.getByTestId('exposure-alert')).toHaveCount(0);
  // A's check-in reached the server (uploads are on in the demo policy): nothing waits. (Read in Settings: Home's
  // line rightly says the rules cannot be used, the page's clock being 40 minutes behind the rules' issue.)
  await a.page.goto(`${server.url}/settings`);
  await expect(a.page.getByTestId('sync-status')).toHaveAttribute('data-last-success', /^\d+$/);
  await expect(a.page.getByTestId('sync-waiting')).toHaveAttribute('data-count', '0');
  await a.page.goto(`${server.url}/`);
  await a.context.setOffline(true);

  const b = await citizen(browser, new Date(visitAt.getTime() + 5_000));
  // B's test result comes now: the page's clock back to the present, so B's visit lasted until now.
  await b.page.clock.setSystemTime(new Date());
  await b.page.goto(`${server.url}/settings`);
  await b.page.getByTestId('report-link').click();
  await expect(b.page.getByTestId('report-visit')).toHaveCount(1);
  await expect(b.page.getByTestId('report-visit')).toBeChecked();
  await b.page.getByTestId('report-code').fill(caseCode.toLowerCase());
  await b.page.getByTestId('report-submit').click();
  await expect(b.page.getByTestId('report-done')).toHaveAttribute('data-notices', '1');
  await expectAxeClean(b.page);
  // The code is single-use.
  await b.page.goto(`${server.url}/report`);
  await b.page.getByTestId('report-code').fill(caseCode);
  await b.page.getByTestId('report-submit').click();
  await expect(b.page.getByTestId('report-error')).toHaveAttribute('data-code', 'CASE_CODE_USED');

  // A was offline all along: no alert yet. Back online → `online` → sync → notice verified and matched.
  await expect(a.page.getByTestId('exposure-alert')).toHaveCount(0);
  await a.context.setOffline(false);
  const alert = a.page.getByTestId('exposure-alert');
  await expect(alert).toBeVisible({ timeout: 20_000 });
  await expect(alert).toHaveAttribute('data-level', 'high');
  await expect(alert).toContainText('Kantor Gubernur Kalimantan Timur');
  await a.page.goto(`${server.url}/history`);
  await expect(a.page.getByTestId('history-item').first()).toHaveAttribute('data-exposure', 'high');
  await expect(a.page.getByTestId('history-exposure')).toBeVisible();
  await a.page.goto(`${server.url}/`);
  await expectAxeClean(a.page);
  expect(errors).toEqual([]);
  await a.context.close();
  await b.context.close();
});
