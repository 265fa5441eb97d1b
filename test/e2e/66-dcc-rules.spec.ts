/**
 * EU DCC rules and value sets in the browser. The DCC's codes read in words from the bundle's value sets
 * (demo-init imports the EU sets): "Comirnaty", its manufacturer, vaccine type, disease; an unknown product
 * code shows as itself, marked unknown. Then the authority imports an EU acceptance rule ("the last dose at
 * most 270 days old", test/vectors/eu-dcc-rules) with `singgah rules import-eu`; the phone syncs, and a DCC
 * that counted before fails it: the wallet, the import screen and the door's reasons show the rule's
 * description, and the governor's office turns from ALLOWED back to DENIED. axe on each screen.
 */
import { foreignImportPath } from '../../src/core/qr-link';
import type { AppPage } from '../support/app-page';
import { publishedBundle, repoPath, runCli } from '../support/e2e-data';
import { expect, test } from '../support/fixtures';

let oldDcc: string;
let unknownDcc: string;
let singgahLink: string;

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const hc1 = (output: string) => output.split('\n').find((l) => l.startsWith('HC1:')) ?? '';

function issueCertificates(data: string) {
  const holder = ['--name', 'Wibowo', '--given-name', 'Dewi', '--birth-date', '1975-11-20'];
  // A first dose as a Singgah certificate (Samarinda), the second as a DCC 300 days old: green today.
  const singgah = runCli(data, [
    ...['cert', 'issue', 'vaccination', '--name', 'Dewi Wibowo', '--birth-date', '1975-11-20', '--region', '6472'],
    ...['--product', 'Sinovac', '--dose', '1', '--doses', '2', '--date', day(-330)],
  ]);
  singgahLink = /https?:\/\/\S+\/c#\d+/.exec(singgah)?.[0] ?? '';
  oldDcc = hc1(
    runCli(data, [
      ...['cert', 'issue', 'vaccination', '--format', 'eu-dcc', ...holder],
      ...['--product', 'EU/1/20/1528', '--manufacturer', 'ORG-100030215', '--dose', '2', '--doses', '2'],
      ...['--date', day(-300)],
    ]),
  );
  unknownDcc = hc1(
    runCli(data, [
      ...['cert', 'issue', 'vaccination', '--format', 'eu-dcc', '--name', 'Lestari', '--birth-date', '1988-01-02'],
      ...['--product', 'EU/1/99/9999', '--manufacturer', 'ORG-100030215', '--dose', '1', '--doses', '1'],
      ...['--date', day(-20)],
    ]),
  );
}

// The spec imports an EU rule into the authority's data: a server of its own.
test.use({ camera: 'fake', serverOptions: { prepare: issueCertificates } });

async function decideAtOffice(app: AppPage, officeQr: string, outcome: string, status: string, dccReason?: string) {
  const decision = await app.scanVenue(officeQr);
  await expect(decision).toHaveAttribute('data-outcome', outcome);
  await expect(decision).toHaveAttribute('data-status', status);
  const notAccepted = decision.locator('[data-reason="DCC_NOT_ACCEPTED"]');
  if (dccReason) await expect(notAccepted).toHaveText(dccReason);
  else await expect(notAccepted).toHaveCount(0);
}

test('DCC codes in words from the value sets; an unknown code is shown as itself, marked unknown', async ({ app }) => {
  const { page } = app;
  expect(unknownDcc).toMatch(/^HC1:/);
  await app.open();
  await app.goto(foreignImportPath(unknownDcc));
  const facts = page.getByTestId('dcc-facts');
  await expect(facts).toContainText('EU/1/99/9999 (kode tidak dikenal)');
  await expect(facts).toContainText('Biontech Manufacturing GmbH');
  await expect(facts).toContainText('COVID-19');
  await app.expectAxeClean();

  await app.goto(foreignImportPath(oldDcc));
  await expect(page.getByTestId('dcc-verification')).toHaveAttribute('data-state', 'verified');
  await expect(facts).toContainText('Comirnaty');
  await expect(facts).not.toContainText('EU/1/20/1528');
  await expect(facts).not.toContainText('tidak dikenal');
  expect(app.errors).toEqual([]);
});

test('an EU rule imported by the authority: a DCC that fails it shows the rule and does not count', async ({
  app,
  demo,
  server,
}) => {
  test.setTimeout(180_000);
  const { page } = app;
  expect(oldDcc).toMatch(/^HC1:/);
  await app.open();
  await app.importCertificate(singgahLink.replace(/^https?:\/\/[^/]+/, server.url));
  await app.goto(foreignImportPath(oldDcc));
  await expect(page.getByTestId('dcc-verification')).toHaveAttribute('data-state', 'verified');
  await page.getByTestId('import-confirm').click();
  await expect(page.getByTestId('import-done')).toBeVisible();
  // Both doses, the second from the DCC: green at the governor's office.
  await decideAtOffice(app, demo.office.qrText, 'ALLOWED', 'green');

  // The authority accepts vaccinations of at most 270 days from now on (an EU-format rule, run unchanged).
  const before = publishedBundle(server.dataDir).version;
  const out = runCli(server.dataDir, ['rules', 'import-eu', repoPath('test/vectors/eu-dcc-rules/VR-ID-0003.json')]);
  expect(out).toContain('Imported 1 EU rule(s) for ID');
  const version = publishedBundle(server.dataDir).version;
  expect(version).toBe(before + 1);

  // The phone syncs the new bundle.
  await app.goto('/');
  await expect(page.getByTestId('bundle-status')).toHaveAttribute('data-version', String(version), {
    timeout: 20_000,
  });

  // The wallet: the DCC no longer counts, and says which rule and why, in words.
  await app.goto('/wallet');
  const dcc = page.locator('[data-testid="wallet-cert"][data-format="eu-dcc"]');
  await expect(dcc).toHaveAttribute('data-state', 'invalid');
  await expect(dcc.getByTestId('dcc-verification')).toContainText('aturan penerimaan');
  await dcc.getByTestId('wallet-cert-summary').click();
  await expect(dcc.getByTestId('dcc-rule')).toHaveText(
    'Aturan VR-ID-0003: Dosis vaksin terakhir paling lama 270 hari yang lalu.',
  );
  await expect(dcc).toContainText('tidak dihitung');
  await app.expectAxeClean();

  // At the door it counts no more: one dose of two, yellow, DENIED — and the reasons say which rule.
  await decideAtOffice(
    app,
    demo.office.qrText,
    'DENIED',
    'yellow',
    'VR-ID-0003: Dosis vaksin terakhir paling lama 270 hari yang lalu.',
  );

  // The import screen says the same of the DCC.
  await app.goto(foreignImportPath(oldDcc));
  await expect(page.getByTestId('import-error')).toHaveAttribute('data-code', 'DCC_RULE_FAILED');
  await expect(page.getByTestId('dcc-rule')).toContainText('VR-ID-0003');
  await expect(page.getByTestId('dcc-rule')).toContainText('270 hari');
  await expect(page.getByTestId('import-confirm')).toHaveCount(0);
  await app.expectAxeClean();
  expect(app.errors).toEqual([]);
});
