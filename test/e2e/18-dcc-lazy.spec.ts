/**
 * The EU DCC decoder (core/held-dcc.ts + core/dcc) loads only for a DCC: a phone holding Singgah certificates
 * only, its Home decided, has run none of it; the import of an `HC1:` text fetches it; once a DCC is stored,
 * every start reads it back and decides with it. Which code ran is told by the scripts the page loaded
 * (resource timing, service-worker hits included): a DCC string no other code has ("Signature1", COSE's
 * Sig_structure context) marks the decoder's chunk, wherever the build puts it.
 */
import type { Page } from '@playwright/test';
import { foreignImportPath } from '../../src/core/qr-link';
import type { AppPage } from '../support/app-page';
import { runCli } from '../support/e2e-data';
import { expect, test } from '../support/fixtures';

let dccText: string;
let singgahLink: string;

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** demo-init (global setup) made the authority a DCC issuer (ID), trusted in the bundle. */
function issueCertificates(data: string) {
  const singgah = runCli(data, [
    ...['cert', 'issue', 'vaccination', '--name', 'Rina Kusuma', '--birth-date', '1990-03-04', '--region', '6472'],
    ...['--product', 'Sinovac', '--dose', '1', '--doses', '2', '--date', day(-120)],
  ]);
  singgahLink = /https?:\/\/\S+\/c#\d+/.exec(singgah)?.[0] ?? '';
  const dcc = runCli(data, [
    ...['cert', 'issue', 'vaccination', '--format', 'eu-dcc', '--name', 'Kusuma', '--given-name', 'Rina'],
    ...['--birth-date', '1990-03-04', '--product', 'EU/1/20/1528', '--manufacturer', 'ORG-100030215'],
    ...['--dose', '2', '--doses', '2', '--date', day(-60)],
  ]);
  dccText = dcc.split('\n').find((l) => l.startsWith('HC1:')) ?? '';
}

test.use({ serverOptions: { prepare: issueCertificates } });

/** Whether any script this page loaded holds the DCC decoder. */
function ranDccDecoder(page: Page): Promise<boolean> {
  return page.evaluate(async () => {
    const scripts = performance
      .getEntriesByType('resource')
      .map((e) => e.name)
      .filter((u) => new URL(u).pathname.endsWith('.js'));
    const texts = await Promise.all(scripts.map((u) => fetch(u).then((r) => r.text())));
    return texts.some((t) => t.includes('Signature1'));
  });
}

/** Home with its people decided (status chips shown): the model read the wallet and ran the rules. */
async function openHome(app: AppPage, people: number) {
  const { page } = app;
  await app.goto('/');
  await expect(page.getByTestId('person')).toHaveCount(people);
  await expect(page.getByTestId('person').first().locator('[data-status]')).not.toHaveAttribute(
    'data-status',
    'unknown',
  );
}

test('the DCC decoder loads only once a DCC is imported or held', async ({ app, server }) => {
  test.setTimeout(120_000);
  const { page } = app;
  expect(dccText).toMatch(/^HC1:/);
  await app.importCertificate(singgahLink.replace(/^https?:\/\/[^/]+/, server.url));
  await openHome(app, 1);
  expect(await ranDccDecoder(page)).toBe(false);

  await app.goto(foreignImportPath(dccText));
  await expect(page.getByTestId('dcc-verification')).toHaveAttribute('data-state', 'verified');
  expect(await ranDccDecoder(page)).toBe(true);
  await page.getByTestId('import-confirm').click();
  await expect(page.getByTestId('import-done')).toBeVisible();

  // A fresh start with a DCC stored: the store loads the decoder before reading it back, and the family is
  // decided with it (one person: the DCC joined the Singgah holder).
  await openHome(app, 1);
  await expect(page.getByTestId('person')).toContainText(/2 sertifikat/);
  expect(await ranDccDecoder(page)).toBe(true);
  expect(app.errors).toEqual([]);
});
