/**
 * Split custody end to end: an installed app (built pinning the demo's one-key root 1) follows the operator
 * handing the root to three custodians, 2 of 3, by ceremony — the old key and two custodians cosign root 2,
 * then two custodians (another pair) cosign the next bundle — each custodian in their own directory with their
 * own passphrase. The phone syncs, walks to root 2, takes the bundle only the custodians signed, and decides.
 *
 * The ceremony runs through the authority functions the CLI calls (test/server/cli/custody.test.ts runs the CLI
 * itself); the server restarts on the same port, so the page keeps its origin and its IndexedDB.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bundleRequest,
  cosignRequest,
  prepareRootRotation,
  publishRequest,
  republishPayload,
  type SigningRequest,
} from '../../server/authority';
import { createCustodianKey, readKeyFile, type StoredKey, setKeyPassphrase } from '../../server/keys';
import { importCertificate } from '../support/app-page';
import { publishedBundle } from '../support/e2e-data';
import { expect, test } from '../support/fixtures';
import type { E2eServer } from '../support/server-process';

test.use({ serverOptions: { own: true } });

let dataDir: string;
let server: E2eServer;
let scratch: string;

test.beforeAll(({ server: worker }) => {
  server = worker;
  dataDir = worker.dataDir;
  scratch = mkdtempSync(join(tmpdir(), 'singgah-e2e-custody-'));
});
test.afterAll(() => {
  setKeyPassphrase(undefined);
  rmSync(scratch, { recursive: true, force: true });
});

const now = () => Math.floor(Date.now() / 1000);

/** One custodian: a directory and a passphrase of their own (the passphrase is process-wide: set per use). */
interface Custodian {
  readonly pass: string;
  readonly key: StoredKey;
}

function makeCustodian(name: string): Custodian {
  const pass = `${name} menyimpan kunci akar`;
  setKeyPassphrase(pass);
  try {
    return { pass, key: createCustodianKey(join(scratch, name), now()).key };
  } finally {
    setKeyPassphrase(undefined);
  }
}

/** The custodian opens their own key file with their own passphrase and signs. */
function cosign(c: Custodian, request: SigningRequest): SigningRequest {
  setKeyPassphrase(c.pass);
  try {
    return cosignRequest(request, readKeyFile(c.key.file)).request;
  } finally {
    setKeyPassphrase(undefined);
  }
}

test('a phone follows the root to 2-of-3 custodians and accepts the bundle two of them cosigned', async ({
  browser,
  demo,
}) => {
  test.setTimeout(300_000);
  const { office, budi } = demo;
  const firstVersion = publishedBundle(dataDir).version;

  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}/`);
  await expect(page.getByTestId('bundle-status')).toHaveAttribute('data-version', String(firstVersion));
  await importCertificate(page, budi.url);

  await server.stop();
  const [ayu, bima, citra] = ['ayu', 'bima', 'citra'].map(makeCustodian);

  // Root 2 = the three custodians, 2 of 3: signed by the current (one-key) root and by Ayu and Bima.
  const custodianKeys = [ayu, bima, citra].map((c) => c.key);
  let rotation = prepareRootRotation(dataDir, custodianKeys, 2, now()).request;
  const oldRoot = readdirSync(join(dataDir, 'keys')).find((f) => /^root-[0-9a-f]+\.json$/.test(f)) as string;
  rotation = cosignRequest(rotation, readKeyFile(join(dataDir, 'keys', oldRoot))).request;
  rotation = cosign(bima, cosign(ayu, rotation));
  expect(publishRequest(dataDir, rotation, now()).root?.version).toBe(2);

  // The next bundle, cosigned by another pair: Bima and Citra. No root secret is left in the data directory.
  expect(readdirSync(join(dataDir, 'keys')).filter((f) => f.startsWith('root-'))).toEqual([]);
  const next = cosign(bima, cosign(citra, bundleRequest(dataDir, republishPayload(dataDir, now()), now())));
  expect(() =>
    publishRequest(dataDir, cosign(citra, bundleRequest(dataDir, republishPayload(dataDir, now()), now())), now()),
  ).toThrow(/1 more custodian/);
  expect(publishRequest(dataDir, next, now()).bundle?.version).toBe(firstVersion + 2);
  await server.start();

  // The phone walks 1 → 2 and takes the custodians' bundle; it still decides at the door.
  await page.goto(`${server.url}/`);
  await expect(page.getByTestId('bundle-status')).toHaveAttribute('data-version', String(firstVersion + 2));
  await page.goto(`${server.url}/settings`);
  await expect(page.getByTestId('settings-root-version')).toHaveText('2');
  await expect(page.getByTestId('roots-result')).toHaveCount(0);
  await page.goto(office.url);
  const decision = page.getByTestId('decision');
  await expect(decision).toHaveAttribute('data-outcome', 'ALLOWED');
  await expect(decision).toHaveAttribute('data-status', 'green');
  expect(errors).toEqual([]);
  await context.close();
});
