/**
 * Exposure notification end to end, in Chromium against the real server (own data dir): citizen A checks in at the
 * governor's office; citizen B (another browser context) checks in there too, tests positive and reports with a
 * case code a health officer made with the CLI (`singgah case create`): Settings → "I tested positive" → code →
 * visits (pre-selected) → send. B's phone seals the visits to the health office's encryption key from the signed
 * bundle: the test reads the server's database and finds only ciphertext (no venue id, no visit time). The
 * officer then runs `singgah case review --approve-all` (the keys stay with the CLI); the notice is published.
 * A, offline during all this, comes back online, pulls the notice, verifies it against its bundle, matches it
 * locally and shows the exposure alert with the right level, and marks the visit in the history.
 *
 * Both visits are made 40 minutes in the past (the page clock is set back with Playwright's clock), so the
 * overlap — 40 minutes — is a high-level exposure without the test waiting for it.
 *
 * A second phone with more visits than one upload may carry (120 in the last 14 days) is offered the newest 100,
 * told so, and its upload goes through review into 100 notices.
 */
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { MAX_CASE_VISITS } from '../../server/case-limits';
import { checkIn, expectAxeClean, openHome, seedVisits } from '../support/app-page';
import { rowsAddedSince, snapshotRows, timesIn } from '../support/db-rows';
import { type Demo, expect, test } from '../support/fixtures';
import type { E2eServer } from '../support/server-process';

let server: E2eServer;
let office: Demo['office'];

// The spec changes the authority's database (case codes, reviews): a server and data dir of its own.
test.use({ serverOptions: { own: true } });

/** A health officer's new case code (`singgah case create`, run with the server stopped meanwhile). */
async function newCaseCode(): Promise<string> {
  const out = await server.cli(['case', 'create']);
  const m = /\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b/.exec(out);
  if (!m) throw new Error(`no case code in CLI output:\n${out}`);
  return m[0];
}

// Each test stops and starts the server to read its database and to run the CLI (PGlite: one process at a time).
test.describe.configure({ timeout: 300_000 });

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

/** The notices the server's feed holds now. */
async function noticeCount(): Promise<number> {
  return ((await (await fetch(`${server.url}/v1/notices?after=0&limit=1000`)).json()) as { notices: unknown[] }).notices
    .length;
}

test('A checks in; B, positive, reports while A is offline; the server stores ciphertext only; the officer reviews; A back online sees a high alert', async ({
  browser,
}) => {
  const caseCode = await newCaseCode();
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

  // B's page clock starts 5 s after A's visit and runs on: B checks in within these seconds of page time.
  const bStarted = Date.now();
  const b = await citizen(browser, new Date(visitAt.getTime() + 5_000));
  const checkedInFrom = Math.floor((visitAt.getTime() + 5_000) / 1000);
  const checkedInTo = Math.ceil((visitAt.getTime() + 5_000 + Date.now() - bStarted) / 1000);
  // B's test result comes now: the page's clock back to the present, so B's visit lasted until now.
  await b.page.clock.setSystemTime(new Date());
  await b.page.goto(`${server.url}/settings`);
  await expect(b.page.getByTestId('sync-waiting')).toHaveAttribute('data-count', '0');
  const before = await server.withDb(snapshotRows);
  await b.page.getByTestId('report-link').click();
  await expect(b.page.getByTestId('report-visit')).toHaveCount(1);
  await expect(b.page.getByTestId('report-visit')).toBeChecked();
  await b.page.getByTestId('report-code').fill(caseCode.toLowerCase());
  const sentFrom = Math.floor(Date.now() / 1000);
  await b.page.getByTestId('report-submit').click();
  await expect(b.page.getByTestId('report-done')).toHaveAttribute('data-visits', '1');
  const sentTo = Math.ceil(Date.now() / 1000);
  await expectAxeClean(b.page);
  // The code is single-use.
  await b.page.goto(`${server.url}/report`);
  await b.page.getByTestId('report-code').fill(caseCode);
  await b.page.getByTestId('report-submit').click();
  await expect(b.page.getByTestId('report-error')).toHaveAttribute('data-code', 'CASE_CODE_USED');

  // What the upload added to the server's database: the code marked used and one sealed row — no venue id and
  // no time of the visit (its start within the seconds B checked in, its end within those B sent in), in any
  // table. The server's own times of a case are whole hours.
  const added = rowsAddedSince(before, await server.withDb(snapshotRows));
  expect([...added.keys()].sort()).toEqual(['case_codes', 'case_uploads']);
  expect(added.get('case_uploads')).toHaveLength(1);
  const text = [...added.values()].flat().join('\n');
  expect(text).not.toContain(office.id);
  const visitTimes = timesIn(text).filter(
    (t) => t % 3600 !== 0 && ((t >= checkedInFrom && t <= checkedInTo) || (t >= sentFrom && t <= sentTo)),
  );
  expect(visitTimes).toEqual([]);
  expect(await noticeCount()).toBe(0);

  // The health officer opens, checks and publishes it with the offline keys.
  const review = await server.cli(['case', 'review', '--approve-all']);
  expect(review).toMatch(/published 1 notice\b/);
  expect(await noticeCount()).toBe(1);

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

test(`a phone with 120 visits in 14 days is offered the newest ${MAX_CASE_VISITS}, says so, and they become notices after review`, async ({
  browser,
}) => {
  const caseCode = await newCaseCode();
  // Seeded visits are not real ones: their outbox must not reach the server (no service worker, so the page's
  // requests can be routed).
  const context = await browser.newContext({ serviceWorkers: 'block' });
  await context.route('**/v1/checkins**', (route) => route.abort());
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openHome(page, `${server.url}/`);
  // One visit every 2 hours, the newest an hour ago: 120 visits over 10 days.
  const times = await seedVisits(
    page,
    Array.from({ length: 120 }, (_, i) => ({ venue: office, age: 3600 + i * 7200, stay: 1800 })),
  );
  await page.goto(`${server.url}/report`);
  const visits = page.getByTestId('report-visit');
  await expect(visits).toHaveCount(120);
  const cap = page.getByTestId('report-cap');
  await expect(cap).toHaveAttribute('data-total', '120');
  await expect(cap).toContainText(String(MAX_CASE_VISITS));
  const checked = await visits.evaluateAll((els) => els.map((e) => (e as HTMLInputElement).checked));
  // Newest first: exactly the newest 100 are chosen.
  expect(checked).toEqual(times.map((_, i) => i < MAX_CASE_VISITS));
  await expectAxeClean(page);

  // One more than allowed is refused on the phone, in words, before anything is sent.
  await visits.nth(MAX_CASE_VISITS).check();
  await page.getByTestId('report-code').fill(caseCode);
  await page.getByTestId('report-submit').click();
  await expect(page.getByTestId('report-error')).toHaveAttribute('data-code', 'CASE_TOO_MANY_VISITS');
  await visits.nth(MAX_CASE_VISITS).uncheck();

  const notices = await noticeCount();
  await page.getByTestId('report-submit').click();
  await expect(page.getByTestId('report-done')).toHaveAttribute('data-visits', String(MAX_CASE_VISITS));
  const review = await server.cli(['case', 'review', '--approve-all']);
  expect(review).toMatch(new RegExp(`published ${MAX_CASE_VISITS} notices\\b`));
  expect(await noticeCount()).toBe(notices + MAX_CASE_VISITS);
  expect(errors).toEqual([]);
  await context.close();
});
