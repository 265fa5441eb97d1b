/**
 * Passphrase rules for key files, run through the CLI in process: short passphrases and passphrase files
 * others can read are refused before any key is written; new files use scrypt N = 2^17; an older file with a
 * cheaper N still opens, with a warning to re-encrypt it; a plain key file is signed with under a warning.
 */
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encryptSecret } from '../../../server/key-encryption';
import { type KeyFile, loadKeys, setKeyPassphrase } from '../../../server/keys';
import { DEMO_POLICY, runCliIn } from '../../support/cli-authority';

const GOOD = 'tiga burung hantu di pohon';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'singgah-passphrase-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => setKeyPassphrase(undefined));

function passFile(name: string, text: string, mode = 0o600): string {
  const path = join(root, name);
  writeFileSync(path, `${text}\n`, { mode });
  chmodSync(path, mode);
  return path;
}

const keyFilesIn = (dataDir: string) =>
  existsSync(join(dataDir, 'keys'))
    ? readdirSync(join(dataDir, 'keys')).filter((f) => /^[a-z]+-[0-9a-f]+\.json$/.test(f))
    : [];

describe('passphrases for key files', () => {
  it('refuses a passphrase shorter than 15 characters and writes no key', async () => {
    const dataDir = join(root, 'short');
    const run = await runCliIn(dataDir, ['--passphrase-file', passFile('short.txt', 'kopi-susu-1'), 'keys', 'create']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('at least 15 characters');
    expect(keyFilesIn(dataDir)).toEqual([]);
  });

  it('refuses a passphrase file that its group or others can read', async () => {
    const dataDir = join(root, 'readable');
    const run = await runCliIn(dataDir, ['--passphrase-file', passFile('open.txt', GOOD, 0o640), 'keys', 'create']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/readable by its group or others.*chmod 600/);
    expect(keyFilesIn(dataDir)).toEqual([]);
  });

  it('encrypts new key files with scrypt N = 2^17 (OWASP), r = 8, p = 1', async () => {
    const dataDir = join(root, 'new');
    const run = await runCliIn(dataDir, ['--passphrase-file', passFile('good.txt', GOOD), 'keys', 'create']);
    expect(run.code, run.stderr).toBe(0);
    const files = keyFilesIn(dataDir);
    expect(files).toHaveLength(5);
    for (const f of files) {
      const key = JSON.parse(readFileSync(join(dataDir, 'keys', f), 'utf8')) as KeyFile;
      expect(key.encryptedSecretKey).toMatchObject({ kdf: 'scrypt', N: 2 ** 17, r: 8, p: 1 });
    }
  }, 300_000);

  it('still opens a key file encrypted with a cheaper N, and says to re-encrypt it', async () => {
    const dataDir = join(root, 'new');
    const [rootFile] = keyFilesIn(dataDir).filter((f) => f.startsWith('root-'));
    const path = join(dataDir, 'keys', rootFile);
    const key = JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
    // The same root key, re-encrypted as files were written before (N = 2^15).
    setKeyPassphrase(GOOD);
    const secret = loadKeys(dataDir).find((k) => k.kid === key.kid)?.secretKey as Uint8Array;
    setKeyPassphrase(undefined);
    const old = encryptSecret(secret, key.kid, key.role, GOOD, { N: 2 ** 15, r: 8, p: 1 });
    writeFileSync(path, JSON.stringify({ ...key, encryptedSecretKey: old }), { mode: 0o600 });

    const signed = await runCliIn(dataDir, [
      '--passphrase-file',
      passFile('good.txt', GOOD),
      'bundle',
      'sign',
      DEMO_POLICY,
    ]);
    expect(signed.code, signed.stderr).toBe(0);
    expect(signed.stderr).toContain(`${rootFile}: encrypted with scrypt N = 32768`);
    expect(signed.stderr).toContain('singgah keys reencrypt');

    const redone = await runCliIn(dataDir, ['--passphrase-file', passFile('good.txt', GOOD), 'keys', 'reencrypt']);
    expect(redone.code, redone.stderr).toBe(0);
    const after = JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
    expect([after.kid, after.encryptedSecretKey?.N]).toEqual([key.kid, 2 ** 17]);
    const quiet = await runCliIn(dataDir, [
      '--passphrase-file',
      passFile('good.txt', GOOD),
      'bundle',
      'sign',
      DEMO_POLICY,
    ]);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).not.toContain('warning');
  }, 300_000);

  it('signs with a plain (unencrypted) key file, with a warning naming it', async () => {
    const dataDir = join(root, 'plain');
    const created = await runCliIn(dataDir, ['keys', 'create']);
    expect(created.code).toBe(0);
    expect(created.stderr).toContain('unencrypted');
    const signed = await runCliIn(dataDir, ['bundle', 'sign', DEMO_POLICY]);
    expect(signed.code, signed.stderr).toBe(0);
    const [rootFile] = keyFilesIn(dataDir).filter((f) => f.startsWith('root-'));
    expect(signed.stderr).toMatch(new RegExp(`warning: .*${rootFile}.* unencrypted`));
  }, 300_000);
});
