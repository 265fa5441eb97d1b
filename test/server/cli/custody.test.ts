/**
 * Split custody of the root keys, as the operator and three custodians run it (CLI in process, real scrypt):
 * each custodian makes one key in their OWN directory under their OWN passphrase; the authority builds the root
 * from the public keys only (2 of 3); a prepared bundle is refused with one cosignature and published with two;
 * a phone accepts it with the same core checks the app runs. Then the root is rotated to two new custodians by
 * the same ceremony, needing the old threshold and the new one, and a phone follows the rotation.
 */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { publishedBundlePath } from '../../../server/authority';
import { type KeyFile, parseTrust, publishedRootPath, setKeyPassphrase, trustFilePath } from '../../../server/keys';
import { acceptBundleUpdate, type TrustAnchor, type VerifiedBundle, verifyBundle } from '../../../src/core/bundle';
import { walkRootChain } from '../../../src/core/root';
import { DEMO_POLICY, runCliIn } from '../../support/cli-authority';

let root: string;
let dataDir: string;
const NAMES = ['ayu', 'bima', 'citra', 'dewi', 'eka'] as const;
type Name = (typeof NAMES)[number];
const custodian: Record<Name, { dir: string; pass: string; kid: string }> = {} as never;

const cli = (args: readonly string[], dir = dataDir) => runCliIn(dir, args);
/** One custodian's own command: their passphrase file, their directory as the (unused) data directory. */
const asCustodian = (name: Name, args: readonly string[]) =>
  runCliIn(custodian[name].dir, ['--passphrase-file', custodian[name].pass, ...args]);
const keyFileOf = (name: Name) => join(custodian[name].dir, `root-${custodian[name].kid}.json`);
const pubFileOf = (name: Name) => join(custodian[name].dir, `root-${custodian[name].kid}.pub.json`);
const phoneNow = () => Math.floor(Date.now() / 1000) + 60;
const trustText = () => readFileSync(trustFilePath(dataDir), 'utf8');
const bundleText = () => readFileSync(publishedBundlePath(dataDir), 'utf8');

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'singgah-custody-'));
  dataDir = join(root, 'authority');
  for (const name of NAMES) {
    const pass = join(root, `${name}-passphrase.txt`);
    writeFileSync(pass, `${name} menjaga kunci akar sendiri\n`, { mode: 0o600 });
    custodian[name] = { dir: join(root, `custodian-${name}`), pass, kid: '' };
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
// The passphrase is process-wide in the CLI; each run below sets its own or none.
afterEach(() => setKeyPassphrase(undefined));

let original: TrustAnchor;
let firstBundle: VerifiedBundle;

describe('split custody of the root keys (2 of 3 custodians)', () => {
  it('each custodian makes one encrypted key in their own directory; the root is built from public keys only', async () => {
    const bare = await runCliIn(join(root, 'no-pass'), ['keys', 'init-custodian', '--out', join(root, 'no-pass')]);
    expect(bare.code).toBe(1);
    expect(bare.stderr).toContain('a custodian key is always encrypted');

    for (const name of NAMES) {
      const made = await asCustodian(name, ['keys', 'init-custodian', '--out', custodian[name].dir]);
      expect(made.code, made.stderr).toBe(0);
      custodian[name].kid = made.stdout.match(/Created root key ([0-9a-f]{4})/)?.[1] ?? '';
      expect(readdirSync(custodian[name].dir).sort()).toEqual([
        `root-${custodian[name].kid}.json`,
        `root-${custodian[name].kid}.pub.json`,
      ]);
      const key = JSON.parse(readFileSync(keyFileOf(name), 'utf8')) as KeyFile;
      expect(key.secretKey).toBeUndefined();
      expect(key.encryptedSecretKey?.N).toBe(2 ** 17);
      expect(made.stdout).not.toContain(readFileSync(custodian[name].pass, 'utf8').trim());
    }
    const again = await asCustodian('ayu', ['keys', 'init-custodian', '--out', custodian.ayu.dir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already holds a root key');

    // The authority never takes a secret key file, only the public ones.
    const secret = await cli(['keys', 'create', '--custodian', keyFileOf('ayu'), '--threshold', '1']);
    expect(secret.code).toBe(1);
    expect(secret.stderr).toContain('holds a secret key');
    expect(existsSync(dataDir)).toBe(false);

    const pubs = (['ayu', 'bima', 'citra'] as const).flatMap((n) => ['--custodian', pubFileOf(n)]);
    const created = await cli(['keys', 'create', ...pubs, '--threshold', '2']);
    expect(created.code, created.stderr).toBe(0);
    original = parseTrust(trustText());
    expect(original.threshold).toBe(2);
    expect(original.keys.map((k) => k.kid).sort()).toEqual(
      [custodian.ayu.kid, custodian.bima.kid, custodian.citra.kid].sort(),
    );
    const stored = readdirSync(join(dataDir, 'keys'));
    expect(stored.filter((f) => f.startsWith('root-'))).toEqual([]);
    expect(stored.filter((f) => /^(certificate|venue|notices)-/.test(f))).toHaveLength(3);

    const oneStep = await cli(['bundle', 'sign', DEMO_POLICY]);
    expect(oneStep.code).toBe(1);
    expect(oneStep.stderr).toContain('held by custodians');
  }, 120_000);

  it('one custodian cannot publish; two can; a phone accepts the result', async () => {
    const request = join(root, 'bundle-1.json');
    const prepared = await cli(['bundle', 'prepare', DEMO_POLICY, '--out', request]);
    expect(prepared.code, prepared.stderr).toBe(0);
    expect(prepared.stdout).toContain('Decision table');
    const sha = prepared.stdout.match(/payload SHA-256: ([0-9a-f]{64})/)?.[1];
    expect(sha).toBeDefined();
    // Bima signs a copy in parallel, taken before anyone signed.
    const bimaCopy = join(root, 'bundle-1-bima.json');
    copyFileSync(request, bimaCopy);

    const none = await cli(['bundle', 'publish', request]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('needs 2 of 3 root signatures, has 0 valid');

    // A custodian's key does not open with another custodian's passphrase.
    const wrong = await runCliIn(custodian.ayu.dir, [
      '--passphrase-file',
      custodian.bima.pass,
      'bundle',
      'cosign',
      request,
      '--key',
      keyFileOf('ayu'),
    ]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('wrong passphrase');

    // A custodian who was read another hash out signs nothing.
    const other = await asCustodian('ayu', [
      'bundle',
      'cosign',
      request,
      '--key',
      keyFileOf('ayu'),
      '--expect',
      '00'.repeat(32),
    ]);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('not the one you expected');
    const signaturesIn = (path: string) =>
      (JSON.parse(readFileSync(path, 'utf8')) as { parts: { signatures: unknown[] }[] }).parts[0].signatures;
    expect(signaturesIn(request)).toEqual([]);

    const ayu = await asCustodian('ayu', [
      'bundle',
      'cosign',
      request,
      '--key',
      keyFileOf('ayu'),
      '--expect',
      sha as string,
    ]);
    expect(ayu.code, ayu.stderr).toBe(0);
    expect(ayu.stdout).toContain(`payload SHA-256: ${sha}`);
    // Signing twice is still one custodian.
    expect((await asCustodian('ayu', ['bundle', 'cosign', request, '--key', keyFileOf('ayu')])).code).toBe(0);
    expect(signaturesIn(request)).toHaveLength(1);

    const one = await cli(['bundle', 'publish', request]);
    expect(one.code).toBe(1);
    expect(one.stderr).toContain(`has 1 valid (${custodian.ayu.kid}): 1 more custodian(s) must cosign`);
    expect(existsSync(publishedBundlePath(dataDir))).toBe(false);

    // A key the root does not list is not asked to sign.
    const outsider = await asCustodian('dewi', ['bundle', 'cosign', request, '--key', keyFileOf('dewi')]);
    expect(outsider.code).toBe(1);
    expect(outsider.stderr).toContain(`root key ${custodian.dewi.kid} is not one this request asks to sign`);

    // A request edited to ask an outsider too: her signature counts for nothing, trust.json decides.
    const forged = join(root, 'bundle-1-forged.json');
    const edited = JSON.parse(readFileSync(request, 'utf8')) as { parts: { signers: unknown[] }[] };
    edited.parts[0].signers.push(JSON.parse(readFileSync(pubFileOf('dewi'), 'utf8')));
    writeFileSync(forged, JSON.stringify(edited));
    expect((await asCustodian('dewi', ['bundle', 'cosign', forged, '--key', keyFileOf('dewi')])).code).toBe(0);
    const forgedRun = await cli(['bundle', 'publish', forged]);
    expect(forgedRun.code).toBe(1);
    expect(forgedRun.stderr).toContain('has 1 valid');

    const bima = await asCustodian('bima', ['bundle', 'cosign', bimaCopy, '--key', keyFileOf('bima')]);
    expect(bima.code, bima.stderr).toBe(0);
    const two = await cli(['bundle', 'publish', request, bimaCopy]);
    expect(two.code, two.stderr).toBe(0);
    expect(two.stdout).toContain('Published bundle version 1');

    // The phone: the app's own update check against the root built into it (trust.json).
    const update = acceptBundleUpdate(undefined, bundleText(), original, phoneNow());
    if (!update.ok) throw new Error(update.error.code);
    expect(update.value.kind).toBe('accepted');
    if (update.value.kind !== 'accepted') return;
    firstBundle = update.value.bundle;
    expect(firstBundle.payload.version).toBe(1);
    const signers = (JSON.parse(bundleText()) as { signatures: { kid: string }[] }).signatures.map((s) => s.kid);
    expect(signers.sort()).toEqual([custodian.ayu.kid, custodian.bima.kid].sort());

    // Publishing the same request again is refused: version 1 is out already.
    const replay = await cli(['bundle', 'publish', request, bimaCopy]);
    expect(replay.code).toBe(1);
    expect(replay.stderr).toContain('version 1 is published already');
  }, 120_000);

  it('re-signs the published bundle by ceremony (--resign), e.g. after a key rotation', async () => {
    const rotated = await cli(['keys', 'rotate', 'venue']);
    expect(rotated.code).toBe(1);
    expect(rotated.stderr).toContain('held by custodians');
    const request = join(root, 'bundle-2.json');
    const prepared = await cli(['bundle', 'prepare', '--resign', '--out', request]);
    expect(prepared.code, prepared.stderr).toBe(0);
    expect((await asCustodian('citra', ['bundle', 'cosign', request, '--key', keyFileOf('citra')])).code).toBe(0);
    expect((await asCustodian('bima', ['bundle', 'cosign', request, '--key', keyFileOf('bima')])).code).toBe(0);
    const published = await cli(['bundle', 'publish', request]);
    expect(published.code, published.stderr).toBe(0);
    const update = acceptBundleUpdate(firstBundle, bundleText(), original, phoneNow());
    if (!update.ok || update.value.kind !== 'accepted') throw new Error('the phone did not accept version 2');
    firstBundle = update.value.bundle;
    expect(firstBundle.payload.keys.filter((k) => k.role === 'venue')).toHaveLength(2);
  }, 120_000);

  it('rotates the root to two new custodians by ceremony: old threshold AND new threshold; a phone follows', async () => {
    const request = join(root, 'root-2.json');
    const pubs = (['dewi', 'eka'] as const).flatMap((n) => ['--custodian', pubFileOf(n)]);
    const prepared = await cli(['keys', 'rotate-root', ...pubs, '--threshold', '2', '--out', request]);
    expect(prepared.code, prepared.stderr).toBe(0);
    expect(prepared.stdout).toContain('root version 2 (2 of 2 new keys)');
    const cosign = (name: Name) => asCustodian(name, ['bundle', 'cosign', request, '--key', keyFileOf(name)]);
    const publish = () => cli(['bundle', 'publish', request]);

    expect((await cosign('ayu')).code).toBe(0);
    const oldShort = await publish();
    expect(oldShort.code).toBe(1);
    expect(oldShort.stderr).toContain('by the current root, needs 2 of 3 root signatures, has 1 valid');
    expect((await cosign('citra')).code).toBe(0);
    const newShort = await publish();
    expect(newShort.code).toBe(1);
    expect(newShort.stderr).toContain('by its own new keys, needs 2 of 2 root signatures, has 0 valid');
    const dewi = await cosign('dewi');
    expect(dewi.stdout).toContain('Signed the root and bundle');
    const stillShort = await publish();
    expect(stillShort.code).toBe(1);
    expect(stillShort.stderr).toContain('1 more custodian(s)');
    expect(existsSync(publishedRootPath(dataDir, 2))).toBe(false);
    expect((await cosign('eka')).code).toBe(0);
    const done = await publish();
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain('Published root version 2');
    expect(done.stdout).toContain('Published bundle version 3');

    // The phone walks from the root built into it to root 2, then takes bundle 3 signed by the new keys.
    const walked = walkRootChain(original, [readFileSync(publishedRootPath(dataDir, 2), 'utf8')]);
    if (!walked.ok) throw new Error(walked.error.code);
    expect(walked.value.anchor.keys.map((k) => k.kid).sort()).toEqual([custodian.dewi.kid, custodian.eka.kid].sort());
    expect(parseTrust(trustText())).toEqual(walked.value.anchor);
    const update = acceptBundleUpdate(firstBundle, bundleText(), walked.value.anchor, phoneNow());
    if (!update.ok || update.value.kind !== 'accepted') throw new Error('the phone did not accept bundle 3');
    expect(update.value.bundle.payload.version).toBe(3);
    const byOld = verifyBundle(bundleText(), original);
    expect(byOld.ok ? 'ok' : byOld.error.code).toBe('BUNDLE_SIGNATURE_INVALID');
  }, 180_000);
});
