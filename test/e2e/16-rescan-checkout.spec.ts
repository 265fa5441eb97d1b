/**
 * Rescanning the venue you are checked into offers check-out (issue 5; CrowdNotifier, PeduliLindungi):
 * "checked in here since HH:MM — check out?" with check-out as the primary action and "check in again"
 * (ends the open visit, records a new one) as the secondary one. The rescan goes through the Scan screen's
 * link field, the same path a camera decode takes (parseScanned → /v#…).
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { type DemoEntry, demoLinks, e2eEnv } from '../support/e2e-data';
import { type ServerProcess, startServerProcess } from '../support/server-process';

let server: ServerProcess;
let office: DemoEntry;
let budi: DemoEntry;

test.beforeAll(async () => {
  const { data, dist } = e2eEnv();
  server = await startServerProcess(data, dist);
  ({ office, budi } = await demoLinks(server.url));
});

test.afterAll(async () => {
  await server?.stop();
});

async function rescan(page: Page) {
  await page.goto(`${server.url}/scan`);
  await page.getByTestId('paste-input').fill(office.url);
  await page.getByTestId('paste-open').click();
  await expect(page.getByTestId('venue-name')).toHaveText(office.name ?? '');
}

const visits = (page: Page) => page.getByTestId('history-item');

test('rescan while checked in: check out first, or check in again', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  await expect(page.getByTestId('bundle-status')).toHaveAttribute('data-version', /^\d+$/);
  await page.goto(budi.url);
  await page.getByTestId('import-confirm').click();
  await expect(page.getByTestId('import-done')).toBeVisible();

  // First scan: a plain check-in, no check-out offer.
  await rescan(page);
  await expect(page.getByTestId('already-in')).toHaveCount(0);
  await page.getByTestId('checkin-confirm').click();
  await expect(page.getByTestId('checkin-done')).toBeVisible();
  const since = ((await page.getByTestId('checkin-done').textContent()) ?? '').match(/\d{2}[.:]\d{2}/)?.[0];
  expect(since).toBeTruthy();

  // Rescan: the question with the time, check-out primary, check in again secondary; nothing else to confirm.
  await rescan(page);
  await expect(page.getByTestId('already-in')).toContainText(since ?? '');
  await expect(page.getByTestId('already-in')).toContainText(/check-in di sini sejak/);
  await expect(page.getByTestId('checkout-button')).toHaveClass(/button--primary/);
  await expect(page.getByTestId('checkin-again')).not.toHaveClass(/button--primary/);
  await expect(page.getByTestId('checkin-again')).toBeEnabled();
  await expect(page.getByTestId('checkin-confirm')).toHaveCount(0);
  const results = await new AxeBuilder({ page }).include('.actions').analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);

  // "Check in again": the open visit ends and a new one is recorded.
  await page.getByTestId('checkin-again').click();
  await expect(page.getByTestId('checkin-done')).toBeVisible();
  await page.goto(`${server.url}/history`);
  await expect(visits(page)).toHaveCount(2);
  await expect(page.locator('[data-testid="history-item"][data-active="true"]')).toHaveCount(1);

  // Rescan again and take the primary action: checked out, and nothing is open any more.
  await rescan(page);
  await page.getByTestId('checkout-button').click();
  await expect(page.getByTestId('checkout-done')).toBeVisible();
  await page.goto(`${server.url}/history`);
  await expect(visits(page)).toHaveCount(2);
  await expect(page.locator('[data-testid="history-item"][data-active="true"]')).toHaveCount(0);

  // The next scan is a fresh check-in again.
  await rescan(page);
  await expect(page.getByTestId('already-in')).toHaveCount(0);
  await expect(page.getByTestId('checkin-confirm')).toBeEnabled();
  await context.close();
});
