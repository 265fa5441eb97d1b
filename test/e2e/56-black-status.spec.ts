/**
 * Black status cannot be erased. Dewi's positive PCR moved to the recycle bin leaves her black, and the app says
 * why. And the health office can suspend a person's certificates for an isolation window (`singgah cert
 * suspend`): hashed certificate ids with an until-time in the signed bundle, so Andi's own phone and a guard
 * scanning his pass both show black — the guard without trusting anything on Andi's phone but the certificates.
 */
import { rmSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import type { DemoJson } from '../../server/demo-page';
import { decodeCertificate } from '../../src/core/certificate';
import { copyDataDir, e2eEnv, runCli } from '../support/e2e-data';
import { readPassQr } from '../support/pass-qr';
import { openScanEnv, type ScanEnv } from '../support/scan-e2e';
import { startServerProcess } from '../support/server-process';
import { writeQrSequenceY4m } from '../support/y4m';

async function importCertificates(page: Page, urls: readonly string[]) {
  for (const url of urls) {
    await page.goto(url);
    await page.getByTestId('import-confirm').click();
    await expect(page.getByTestId('import-done')).toBeVisible();
  }
}

test.describe('positive test in the recycle bin', () => {
  let env: ScanEnv;
  test.beforeAll(async () => {
    env = await openScanEnv();
  });
  test.afterAll(async () => {
    await env?.close();
  });

  test('Dewi stays black after her positive PCR goes to the recycle bin, and the app says why', async () => {
    const demo: DemoJson = await (await fetch(`${env.server.url}/demo.json`)).json();
    const context = await env.browser.newContext({ viewport: { width: 360, height: 640 } });
    const page = await context.newPage();
    await page.goto(`${env.server.url}/`);
    await expect(page.getByTestId('bundle-status')).toHaveAttribute('data-version', /^\d+$/);
    await importCertificates(
      page,
      demo.certificates.filter((c) => c.holder === 'Dewi Lestari').map((c) => c.url),
    );
    await page.goto(`${env.server.url}/pass`);
    await expect(page.getByTestId('pass')).toHaveAttribute('data-status', 'black');

    await page.goto(`${env.server.url}/wallet`);
    await page.getByTestId('wallet-cert-summary').click();
    await page.getByTestId('certificate-delete').click();
    await expect(page.getByTestId('wallet-cert')).toHaveCount(0);

    await page.goto(`${env.server.url}/pass`);
    const pass = page.getByTestId('pass');
    await expect(pass).toHaveAttribute('data-status', 'black');
    await expect(page.getByTestId('pass-name')).toHaveText('Dewi Lestari');
    await expect(page.getByTestId('pass-held')).toContainText('tempat sampah');
    const axe = await new AxeBuilder({ page }).analyze();
    expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    // Restoring it changes nothing about the colour; the note goes.
    await page.goto(`${env.server.url}/wallet`);
    await page
      .getByRole('button', { name: /Pulihkan/ })
      .first()
      .click();
    // The restore is an IndexedDB write: leaving the page before it lands would abort it.
    await expect(page.getByTestId('wallet-cert')).toHaveCount(1);
    await page.goto(`${env.server.url}/pass`);
    await expect(pass).toHaveAttribute('data-status', 'black');
    await expect(page.getByTestId('pass-held')).toHaveCount(0);
    await context.close();
  });
});

test('the health office suspends Andi: his phone and guard mode show black, with the reason', async () => {
  test.setTimeout(180_000);
  const dataDir = copyDataDir('suspend');
  const { dist } = e2eEnv();
  let server = await startServerProcess(dataDir, dist);
  const demo: DemoJson = await (await fetch(`${server.url}/demo.json`)).json();
  await server.stop();
  const andi = demo.certificates.filter((c) => c.holder === 'Andi Wijaya');
  const ids = andi.map((c) => {
    const d = decodeCertificate(c.code);
    if (!d.ok) throw new Error(d.error.code);
    return d.value.certificate.id;
  });
  // PGlite: one process per data dir, so the CLI runs while the server is stopped.
  const out = runCli(dataDir, ['cert', 'suspend', ids.join(','), '--days', '10']);
  expect(out).toMatch(/Suspended 2 certificates until \d{4}-\d{2}-\d{2}T/);
  server = await startServerProcess(dataDir, dist);

  const env = await openScanEnv();
  try {
    // Andi's phone: the rules carry the suspension; his status is black, and the reason is the health office's.
    const citizen = await env.browser.newContext({ viewport: { width: 360, height: 640 }, deviceScaleFactor: 2 });
    const phone = await citizen.newPage();
    await phone.goto(`${server.url}/`);
    await expect(phone.getByTestId('bundle-status')).toHaveAttribute('data-version', /^\d+$/);
    // demo.json's links name the first server's port: the codes are the same.
    await importCertificates(
      phone,
      andi.map((c) => `${server.url}/c#${c.code}`),
    );
    await phone.goto(`${server.url}/pass`);
    await expect(phone.getByTestId('pass')).toHaveAttribute('data-status', 'black');
    await expect(phone.getByTestId('pass-suspended')).toContainText(/Ditangguhkan oleh dinas kesehatan sampai .*\d{4}/);
    const code = await readPassQr(phone);
    await citizen.close();

    // The guard (a phone that synced the same rules) reads Andi's pass at the governor's office.
    writeQrSequenceY4m(env.y4m, [code]);
    const guard = await env.browser.newContext({ viewport: { width: 360, height: 640 } });
    const page = await guard.newPage();
    await page.goto(`${server.url}/`);
    await expect(page.getByTestId('bundle-status')).toHaveAttribute('data-version', /^\d+$/);
    await page.getByTestId('verify-link').click();
    await page.getByLabel('Jenis tempat').selectOption('gov');
    await page.getByLabel('Wilayah tempat').selectOption('64');
    await page.getByTestId('verify-start').click();
    const result = page.getByTestId('verify-result');
    await expect(result).toHaveAttribute('data-status', 'black', { timeout: 20_000 });
    await expect(result).toHaveAttribute('data-outcome', 'DENIED');
    await expect(result).toContainText(/Ditangguhkan oleh dinas kesehatan sampai/);
    const axe = await new AxeBuilder({ page }).include('[data-testid="verify-result"]').analyze();
    expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    await guard.close();
  } finally {
    await env.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
