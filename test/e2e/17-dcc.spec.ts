/**
 * EU DCCs in the browser: an authority-issued vaccination DCC (demo-init's DCC issuer, cert issue --format
 * eu-dcc) read by the fake camera, shown and saved, listed in the wallet, joined to the holder's Singgah
 * first-dose certificate so the governor's office turns from DENIED (yellow) to ALLOWED, and a check-in;
 * a DCC whose signer the bundle does not trust shows its reason and is not saved; guard mode reads the
 * pass's HC1: QR offline. axe on the new screens.
 */
import type { AppPage } from '../support/app-page';
import { makeSigner, PAYLOADS, signDcc } from '../support/dcc-sign';
import { runCli } from '../support/e2e-data';
import { expect, test } from '../support/fixtures';
import { readPassQr } from '../support/pass-qr';

let dccText: string;
let singgahLink: string;

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** demo-init (global setup) made the authority a DCC issuer (ID), trusted in the bundle. */
function issueCertificates(data: string) {
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
}

test.use({ camera: 'fake', serverOptions: { prepare: issueCertificates } });

async function decideAtOffice(app: AppPage, officeQr: string, outcome: string, status: string) {
  const decision = await app.scanVenue(officeQr);
  await expect(decision).toHaveAttribute('data-outcome', outcome);
  await expect(decision).toHaveAttribute('data-status', status);
}

test('a DCC by camera → wallet → ALLOWED at the governor’s office → check in; the pass shows its HC1 QR', async ({
  app,
  demo,
  server,
}) => {
  test.setTimeout(180_000);
  const { page } = app;
  await app.open();
  await app.importCertificate(singgahLink.replace(/^https?:\/\/[^/]+/, server.url));
  // One dose of two: yellow, and the governor's office wants green.
  await decideAtOffice(app, demo.office.qrText, 'DENIED', 'yellow');

  // The camera sees the DCC next (showToCamera waits until the office scan's capture ended).
  await app.showToCamera(dccText);
  await app.goto('/');
  await app.openScanner();
  await expect(page.getByTestId('import-dcc')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('certificate-holder')).toHaveText('Rina Kusuma');
  await expect(page.getByTestId('dcc-verification')).toHaveAttribute('data-state', 'verified');
  await expect(page.getByTestId('dcc-verification')).toContainText('Ditandatangani oleh penanda tangan Indonesia');
  await expect(page.getByTestId('dcc-facts')).toContainText('Dosis 2 dari 2');
  await expect(page.getByTestId('dcc-facts')).toContainText('KUSUMA');
  await app.expectAxeClean();
  await page.getByTestId('import-confirm').click();
  await expect(page.getByTestId('import-done')).toBeVisible();

  await app.openWallet();
  const people = page.getByTestId('wallet-person');
  await expect(people).toHaveCount(1);
  await expect(people.getByTestId('wallet-cert')).toHaveCount(2);
  const dcc = page.locator('[data-testid="wallet-cert"][data-format="eu-dcc"]');
  await expect(dcc).toHaveAttribute('data-state', 'verified');
  await dcc.getByTestId('wallet-cert-summary').click();
  await expect(dcc.getByTestId('dcc-facts')).toBeVisible();
  await app.expectAxeClean();

  await decideAtOffice(app, demo.office.qrText, 'ALLOWED', 'green');
  await app.checkIn();

  // The pass shows the DCC's own QR: the HC1: text, byte for byte.
  await app.goto('/pass');
  await expect(page.getByTestId('pass-dcc-qr')).toBeVisible();
  expect(await readPassQr(page, 5, 'pass-dcc-qr')).toBe(dccText);
  await expect(page.getByTestId('pass-fact').first()).toContainText('2 dari 2 dosis');
  await app.expectAxeClean();
  expect(app.errors).toEqual([]);
});

test('a DCC from a signer the authority does not trust shows why and is not saved', async ({ app }) => {
  const { page } = app;
  const stranger = makeSigner('ES256', { country: 'FR' });
  const now = Math.floor(Date.now() / 1000);
  const text = signDcc({ by: stranger, payload: PAYLOADS.v, iat: now - 3600, exp: now + 86_400 * 300 });
  await app.showToCamera(text);
  await app.open();
  await app.openScanner();
  await expect(page.getByTestId('import-dcc')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('dcc-verification')).toHaveAttribute('data-state', 'invalid');
  await expect(page.getByTestId('import-error')).toHaveAttribute('data-code', 'SIGNER_UNKNOWN');
  await expect(page.getByTestId('import-error')).toContainText('tidak termasuk yang dipercaya');
  await expect(page.getByTestId('import-confirm')).toHaveCount(0);
  await app.expectAxeClean();
  await expect(await app.openWallet()).toHaveCount(0);
  expect(app.errors).toEqual([]);
});

test('guard mode reads an HC1: code offline: decision with name and birth date', async ({ app }) => {
  const { page } = app;
  await app.showToCamera(dccText);
  await app.open();
  // The guard screen is loaded before the network goes (a fresh profile has no service worker yet).
  await app.guardScan('mall', '64', () => app.context.setOffline(true));
  // Decided on the DCC alone: fully vaccinated (green), but it carries no Indonesian region, so the
  // visitors' PCR rule applies — the guard sees the refusal and why, with the name and birth date.
  const result = page.getByTestId('verify-result');
  await expect(result).toHaveAttribute('data-outcome', 'DENIED', { timeout: 20_000 });
  await expect(page.getByTestId('verify-name')).toHaveText('Rina Kusuma');
  await expect(page.getByTestId('verify-birth')).toContainText('1990');
  await expect(result).toContainText('PCR');
  await app.expectAxeClean('[data-testid="verify-result"]');
  expect(app.errors).toEqual([]);
});
