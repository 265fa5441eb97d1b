/**
 * A phone whose clock runs ahead of the server's: the app must name the real cause ("your clock is ahead;
 * the server says …"), not "no rules yet — connect to the internet" while the sync line says "successful".
 * Two ways in: a fresh phone 60 days ahead (the rules download is refused as expired), and a phone that
 * had valid rules when its clock jumped 60 days ahead (the rules look expired, but the server's Date says
 * the clock is wrong). In both, the check-in action does not look like a normal check-in.
 *
 * Time: Playwright's clock in the page; the server uses real time, so its `Date` header is the truth.
 */
import type { Page } from '@playwright/test';
import { en } from '../../src/ui/i18n/en';
import { id } from '../../src/ui/i18n/id';
import { expectAxeClean, openHome } from '../support/app-page';
import { type Demo, expect, test } from '../support/fixtures';
import type { E2eServer } from '../support/server-process';

const DAY_MS = 86_400_000;

// Its own server: what this spec stores there stays out of the other specs' way.
test.use({ serverOptions: { own: true } });

let server: E2eServer;
let demo: Demo;
test.beforeAll(({ server: worker, demo: json }) => {
  server = worker;
  demo = json;
});

async function expectAccessible(page: Page) {
  await expectAxeClean(page);
}

/** The advice on Home and on the check-in screen names the clock, with the server's time; no "success". */
async function expectClockAheadEverywhere(page: Page) {
  const { office } = demo;
  const problem = page.getByTestId('rules-problem');
  await expect(problem).toHaveAttribute('data-cause', 'CLOCK_AHEAD');
  const serverTime = Number(await problem.getAttribute('data-server-time'));
  // The server's time shown is real time (within a minute), not the phone's.
  expect(Math.abs(serverTime * 1000 - Date.now())).toBeLessThan(60_000);
  await expect(problem).toContainText(id.rulesCause.clockAheadTitle);
  // Not the advice for a phone without a connection.
  await expect(page.getByText(/sambungkan ke internet/i)).toHaveCount(0);
  // The sync line does not claim success while the rules cannot be used.
  const line = page.getByTestId('sync-status');
  await expect(line).toBeVisible();
  await expect(line).not.toContainText('berhasil');
  await expect(line).toContainText(id.sync.rulesUnusable);
  await expectAccessible(page);

  await page.goto(office.url);
  const decision = page.getByTestId('decision');
  await expect(decision).toHaveCount(1);
  await expect(decision).toHaveAttribute('data-outcome', 'CANNOT_VERIFY');
  await expect(decision.locator('[data-reason="CLOCK_AHEAD"]')).toHaveText(id.reason.CLOCK_AHEAD);
  await expect(page.getByTestId('rules-problem')).toHaveAttribute('data-cause', 'CLOCK_AHEAD');
  // Not a normal check-in: a plain button that says the visit is recorded without a check.
  const confirm = page.getByTestId('checkin-confirm');
  await expect(confirm).toHaveAttribute('data-rules-cause', 'CLOCK_AHEAD');
  await expect(confirm).toHaveText(id.rulesCause.recordOnly);
  await expect(confirm).not.toHaveClass(/button--primary/);
  await expectAccessible(page);
  // English (the choice lives in Settings; set it as Settings would and reload).
  await page.evaluate(() => localStorage.setItem('singgah.lang', 'en'));
  await page.reload();
  await expect(page.getByTestId('rules-problem')).toContainText(en.rulesCause.clockAheadTitle);
  await expect(confirm).toHaveText(en.rulesCause.recordOnly);
}

test('a fresh phone 60 days ahead: "your clock is ahead" with the server time, not "no rules yet"', async ({
  browser,
}) => {
  const context = await browser.newContext();
  await context.clock.install({ time: new Date(Date.now() + 60 * DAY_MS) });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}/`);
  await expectClockAheadEverywhere(page);
  expect(errors).toEqual([]);
  await context.close();
});

test('valid rules, then the clock jumps 60 days ahead: the cause is the clock, not expired rules', async ({
  browser,
}) => {
  const context = await browser.newContext();
  await context.clock.install({ time: new Date() });
  const page = await context.newPage();
  await openHome(page, `${server.url}/`);
  await expect(page.getByTestId('rules-problem')).toHaveCount(0);
  await context.clock.setSystemTime(Date.now() + 60 * DAY_MS);
  await page.reload();
  await expectClockAheadEverywhere(page);
  await context.close();
});

test('no rules because the server cannot be reached: "never synced", and the check-in is record-only', async ({
  browser,
}) => {
  const context = await browser.newContext();
  // The rules download fails (no network for it); the app itself loads.
  await context.route('**/v1/bundle', (route) => route.abort('internetdisconnected'));
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  await expect(page.getByTestId('rules-problem')).toHaveAttribute('data-cause', 'NEVER_SYNCED');
  await expect(page.getByTestId('rules-problem')).toContainText(id.rulesCause.neverSynced);
  const { office } = demo;
  await page.goto(office.url);
  await expect(page.getByTestId('checkin-confirm')).toHaveAttribute('data-rules-cause', 'NEVER_SYNCED');
  await context.close();
});
