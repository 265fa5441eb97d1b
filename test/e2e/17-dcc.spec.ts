/**
 * EU DCCs in the browser: an authority-issued vaccination DCC (demo-init's DCC issuer, cert issue --format
 * eu-dcc) read by the fake camera, shown and saved, listed in the wallet, joined to the holder's Singgah
 * first-dose certificate so the governor's office turns from DENIED (yellow) to ALLOWED, and a check-in;
 * a DCC whose signer the bundle does not trust shows its reason and is not saved; guard mode reads the
 * pass's HC1: QR offline. axe on the new screens.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { makeSigner, PAYLOADS, signDcc } from '../support/dcc-sign';
import { copyDataDir, runCli } from '../support/e2e-data';
import { readPassQr } from '../support/pass-qr';
import { openApp, openScanEnv, openScanner, type ScanEnv, videoTrackStates } from '../support/scan-e2e';
import { writeQrY4m } from '../support/y4m';

let env: ScanEnv;
let dccText: string;
let singgahLink: string;

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

test.beforeAll(async () => {
  // demo-init (global setup) made the authority a DCC issuer (ID), trusted in the bundle.
  const data = copyDataDir('dcc');
  const holder = ['--name', 'Kusuma', '--birth-date', '1990-03-04'];
  // A first dose as a Singgah certificate (home region Samarinda), the full series as a PeduliLindungi DCC.
  const singgah = runCli(data, [
    ...['cert', 'issue', 'vaccination', '--name', 'Rina Kusuma', '--birth-date', '1990-03-04', '--region', '6472'],
    ...['--product', 'Sinovac', '--dose', '1', '--doses', '2', '--date', day(-120)],
  ]);
  singgahLink = /https?:\/\/\S+\/c#\d+/.exec(singgah)?.[0] ?? '';
  const dcc = runCli(data, [
    ...['cert', 'issue', 'vaccination', '--format', 'eu-dcc', ...holder, '--given-name', 'Rina'],
    ...['--product', 'EU/1/20/1528', '--manufacturer', 'ORG-100030215', '--dose', '2', '--doses', '2'],
    ...['--date', day(-60)],
  ]);
  dccText = dcc.split('\n').find((l) => l.startsWith('HC1:')) ?? '';
  expect(dccText).toMatch(/^HC1:/);
  env = await openScanEnv('fake', data);
  singgahLink = singgahLink.replace(/^https?:\/\/[^/]+/, env.server.url);
});
test.afterAll(async () => {
  await env?.close();
});

async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
}

async function decideAtOffice(page: Page, outcome: string, status: string) {
  writeQrY4m(env.y4m, env.officeQr);
  await page.goto(`${env.server.url}/`);
  await openScanner(page);
  await expect(page).toHaveURL(/\/v#\d+$/, { timeout: 20_000 });
  const decision = page.getByTestId('decision');
  await expect(decision).toHaveAttribute('data-outcome', outcome);
  await expect(decision).toHaveAttribute('data-status', status);
}

test('a DCC by camera → wallet → ALLOWED at the governor’s office → check in; the pass shows its HC1 QR', async () => {
  test.setTimeout(180_000);
  const { context, page, errors } = await openApp(env);
  await page.goto(singgahLink);
  await page.getByTestId('import-confirm').click();
  await expect(page.getByTestId('import-done')).toBeVisible();
  // One dose of two: yellow, and the governor's office wants green.
  await decideAtOffice(page, 'DENIED', 'yellow');

  // The fake camera reads its file when a capture starts: rewrite it only once the office scan's capture ended,
  // or a capture still running keeps showing the office poster (already handled, so ignored) instead of the DCC.
  await expect.poll(() => videoTrackStates(page), { timeout: 15_000 }).not.toContain('live');
  writeQrY4m(env.y4m, dccText);
  await page.goto(`${env.server.url}/`);
  await openScanner(page);
  await expect(page.getByTestId('import-dcc')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('certificate-holder')).toHaveText('Rina Kusuma');
  await expect(page.getByTestId('dcc-verification')).toHaveAttribute('data-state', 'verified');
  await expect(page.getByTestId('dcc-verification')).toContainText('Ditandatangani oleh penanda tangan Indonesia');
  await expect(page.getByTestId('dcc-facts')).toContainText('Dosis 2 dari 2');
  await expect(page.getByTestId('dcc-facts')).toContainText('KUSUMA');
  await expectAccessible(page);
  await page.getByTestId('import-confirm').click();
  await expect(page.getByTestId('import-done')).toBeVisible();

  await page.goto(`${env.server.url}/wallet`);
  const people = page.getByTestId('wallet-person');
  await expect(people).toHaveCount(1);
  await expect(people.getByTestId('wallet-cert')).toHaveCount(2);
  const dcc = page.locator('[data-testid="wallet-cert"][data-format="eu-dcc"]');
  await expect(dcc).toHaveAttribute('data-state', 'verified');
  await dcc.getByTestId('wallet-cert-summary').click();
  await expect(dcc.getByTestId('dcc-facts')).toBeVisible();
  await expectAccessible(page);

  await decideAtOffice(page, 'ALLOWED', 'green');
  await page.getByTestId('checkin-confirm').click();
  await expect(page.getByTestId('checkin-done')).toBeVisible();

  // The pass shows the DCC's own QR: the HC1: text, byte for byte.
  await page.goto(`${env.server.url}/pass`);
  await expect(page.getByTestId('pass-dcc-qr')).toBeVisible();
  expect(await readPassQr(page, 5, 'pass-dcc-qr')).toBe(dccText);
  await expect(page.getByTestId('pass-fact').first()).toContainText('2 dari 2 dosis');
  await expectAccessible(page);
  expect(errors).toEqual([]);
  await context.close();
});

test('a DCC from a signer the authority does not trust shows why and is not saved', async () => {
  const stranger = makeSigner('ES256', { country: 'FR' });
  const now = Math.floor(Date.now() / 1000);
  const text = signDcc({ by: stranger, payload: PAYLOADS.v, iat: now - 3600, exp: now + 86_400 * 300 });
  writeQrY4m(env.y4m, text);
  const { context, page, errors } = await openApp(env);
  await openScanner(page);
  await expect(page.getByTestId('import-dcc')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('dcc-verification')).toHaveAttribute('data-state', 'invalid');
  await expect(page.getByTestId('import-error')).toHaveAttribute('data-code', 'SIGNER_UNKNOWN');
  await expect(page.getByTestId('import-error')).toContainText('tidak termasuk yang dipercaya');
  await expect(page.getByTestId('import-confirm')).toHaveCount(0);
  await expectAccessible(page);
  await page.goto(`${env.server.url}/wallet`);
  await expect(page.getByTestId('wallet-cert')).toHaveCount(0);
  expect(errors).toEqual([]);
  await context.close();
});

test('guard mode reads an HC1: code offline: decision with name and birth date', async () => {
  writeQrY4m(env.y4m, dccText);
  const { context, page, errors } = await openApp(env);
  await page.getByTestId('verify-link').click();
  await page.getByLabel('Jenis tempat').selectOption('mall');
  await page.getByLabel('Wilayah tempat').selectOption('64');
  // The guard screen is loaded (a fresh profile has no service worker yet): from here nothing answers.
  await context.setOffline(true);
  await page.getByTestId('verify-start').click();
  // Decided on the DCC alone: fully vaccinated (green), but it carries no Indonesian region, so the
  // visitors' PCR rule applies — the guard sees the refusal and why, with the name and birth date.
  const result = page.getByTestId('verify-result');
  await expect(result).toHaveAttribute('data-outcome', 'DENIED', { timeout: 20_000 });
  await expect(page.getByTestId('verify-name')).toHaveText('Rina Kusuma');
  await expect(page.getByTestId('verify-birth')).toContainText('1990');
  await expect(result).toContainText('PCR');
  const axe = await new AxeBuilder({ page }).include('[data-testid="verify-result"]').analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  expect(errors).toEqual([]);
  await context.close();
});
