/**
 * SMART Health Cards in the browser: a visitor's two-part card (signed with demo-init's SMART Health Card
 * issuer, trusted in the bundle) read part by part by the fake camera — "scan part 2 of 2" between the parts —
 * shown, saved, listed in the wallet, and ALLOWED at the governor's office on its own facts (two doses, a
 * negative PCR for a visitor from outside the province); the pass shows both of the card's own QR parts; a card
 * from an issuer the bundle does not trust shows why and is not saved; guard mode reads a two-part card. axe on
 * the new screens and states.
 */

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoShcIssuerPath, loadShcIssuer } from '../../server/shc-issuer';
import type { AppPage } from '../support/app-page';
import { expect, test } from '../support/fixtures';
import { readPassQr } from '../support/pass-qr';
import { cardPayload, immunization, makeShcIssuer, shcQr, twoPartVisitorCard } from '../support/shc-sign';
import { writeQrSequenceY4m } from '../support/y4m';

let cardTexts: string[] = [];

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** Hanako Yamada's two-part card (two doses, a PCR 20 h ago), signed by demo-init's card issuer. */
function issueCard(dataDir: string) {
  cardTexts = twoPartVisitorCard(loadShcIssuer(demoShcIssuerPath(dataDir)), Math.floor(Date.now() / 1000));
}

test.use({ camera: 'fake', serverOptions: { prepare: issueCard } });

async function decideAtOffice(app: AppPage, officeQr: string) {
  const decision = await app.scanVenue(officeQr);
  await expect(decision).toHaveAttribute('data-outcome', 'ALLOWED');
  await expect(decision).toHaveAttribute('data-status', 'green');
}

test('a two-part card read part by part → wallet → ALLOWED at the governor’s office; the pass shows both parts', async ({
  app,
  demo,
}) => {
  test.setTimeout(180_000);
  const { page } = app;
  await app.open();
  // The camera shows part 1 for 6 s, then part 2 (and again): the app asks for part 2 in between.
  writeQrSequenceY4m(app.cameraFile, cardTexts, 6, 1);
  await app.openScanner();
  const prompt = page.getByTestId('shc-part');
  await expect(prompt).toHaveAttribute('data-next', '2', { timeout: 20_000 });
  await expect(prompt).toContainText('Pindai bagian 2 dari 2');
  await app.expectAxeClean();
  await expect(page.getByTestId('import-shc')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('certificate-holder')).toHaveText('Hanako Yamada');
  const verification = page.getByTestId('shc-verification');
  await expect(verification).toHaveAttribute('data-state', 'verified');
  await expect(verification).toContainText('Diterbitkan oleh Demo: Japan vaccination issuer');
  await expect(page.getByTestId('shc-facts')).toContainText('Pfizer · Dosis 2 dari 2');
  await expect(page.getByTestId('shc-facts')).toContainText('Negatif');
  await app.expectAxeClean();
  await page.getByTestId('import-confirm').click();
  await expect(page.getByTestId('import-done')).toBeVisible();

  await app.openWallet();
  await expect(page.getByTestId('wallet-person')).toHaveCount(1);
  const card = page.locator('[data-testid="wallet-cert"][data-format="shc"]');
  await expect(card).toHaveAttribute('data-state', 'verified');
  await card.getByTestId('wallet-cert-summary').click();
  await expect(card.getByTestId('shc-facts')).toContainText('FF4204');
  await app.expectAxeClean();

  // Green (two doses) and, as a visitor from outside Kalimantan Timur, a negative PCR within 48 h: admitted.
  await decideAtOffice(app, demo.office.qrText);
  await app.checkIn();

  // The pass shows the card's own QRs: each part's shc:/ text, byte for byte, in order.
  await app.goto('/pass');
  await expect(page.getByTestId('pass-shc')).toHaveAttribute('data-parts', '2');
  const parts = page.getByTestId('pass-shc-qr');
  await expect(parts).toHaveCount(2);
  expect([await readPassQr(page, 5, parts.nth(0)), await readPassQr(page, 5, parts.nth(1))]).toEqual(cardTexts);
  await app.expectAxeClean();
  expect(app.errors).toEqual([]);
});

test('a card from an issuer the authority does not trust shows why and is not saved', async ({ app }) => {
  const { page } = app;
  const stranger = makeShcIssuer('https://shc.stranger.example');
  const now = Math.floor(Date.now() / 1000);
  const texts = shcQr(stranger, cardPayload([immunization('208', day(-60))], { iss: stranger.iss, nbf: now - 60 }));
  await app.open();
  await app.goto('/wallet');
  await page.getByTestId('wallet-paste-input').fill(texts.join(' '));
  await page.getByTestId('wallet-paste-open').click();
  await expect(page.getByTestId('import-shc')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('shc-verification')).toHaveAttribute('data-state', 'invalid');
  await expect(page.getByTestId('import-error')).toHaveAttribute('data-code', 'SHC_ISSUER_UNKNOWN');
  await expect(page.getByTestId('import-confirm')).toHaveCount(0);
  await app.expectAxeClean();
  await expect(await app.openWallet()).toHaveCount(0);
  expect(app.errors).toEqual([]);
});

test('a card pasted in the wallet: deleted to the recycle bin and back, exported, deleted all, imported again', async ({
  app,
}) => {
  test.setTimeout(120_000);
  const { page } = app;
  await app.open();
  await app.goto('/wallet');
  // Both parts in one paste, the second first: the card puts them in order.
  await page.getByTestId('wallet-paste-input').fill([...cardTexts].reverse().join(' '));
  await page.getByTestId('wallet-paste-open').click();
  await expect(page.getByTestId('shc-verification')).toHaveAttribute('data-state', 'verified', { timeout: 20_000 });
  await page.getByTestId('import-confirm').click();
  await expect(page.getByTestId('import-done')).toBeVisible();

  await app.goto('/settings');
  await expect(page.getByTestId('wallet-certificate')).toHaveCount(1);
  await page.getByTestId('certificate-delete').click();
  await expect(page.getByTestId('recycle-bin-item')).toContainText('Hanako Yamada');
  await expect(page.getByTestId('wallet-certificate')).toHaveCount(0);
  await page.getByTestId('certificate-restore').click();
  await expect(page.getByTestId('wallet-certificate')).toHaveCount(1);

  const work = mkdtempSync(join(tmpdir(), 'singgah-shc-export-'));
  try {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-data').click()]);
    const file = join(work, 'export.json');
    await download.saveAs(file);
    // The card travels as its QR texts, in part order.
    expect(JSON.parse(readFileSync(file, 'utf8')).certificates.map((c: { code: string }) => c.code)).toEqual([
      cardTexts.join('\n'),
    ]);
    await page.getByTestId('delete-all').click();
    await page.getByTestId('delete-all-confirm').click();
    await page.getByTestId('fresh-start').click();
    await expect(page.getByTestId('bundle-status')).toHaveAttribute('data-version', /^\d+$/);
    await app.goto('/settings');
    await page.getByTestId('import-data').setInputFiles(file);
    await expect(page.getByTestId('import-data-result')).toHaveAttribute('data-kind', 'done');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  await app.openWallet();
  const card = page.locator('[data-testid="wallet-cert"][data-format="shc"]');
  await expect(card).toHaveAttribute('data-state', 'verified');
  expect(app.errors).toEqual([]);
});

test('guard mode reads a two-part card offline: the decision with name and birth date', async ({ app }) => {
  const { page } = app;
  writeQrSequenceY4m(app.cameraFile, cardTexts, 4, 2);
  await app.open();
  // The guard screen (and with it the card decoder) is loaded before the network goes.
  await app.guardScan('gov', '64', () => app.context.setOffline(true));
  const result = page.getByTestId('verify-result');
  await expect(result).toHaveAttribute('data-outcome', 'ALLOWED', { timeout: 30_000 });
  await expect(page.getByTestId('verify-name')).toHaveText('Hanako Yamada');
  await expect(page.getByTestId('verify-birth')).toContainText('1985');
  await app.expectAxeClean('[data-testid="verify-result"]');
  expect(app.errors).toEqual([]);
});
