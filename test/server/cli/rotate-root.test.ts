/**
 * `singgah keys rotate-root` as the operator runs it (child process, temp data dir): root versions 2 and 3
 * are published and chain from the ORIGINAL trust.json, the bundle is re-signed by the newest root only,
 * old root key files are retired with mode 0600, and `bundle sign` keeps working afterwards.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedBundlePath } from '../../../server/authority';
import { type KeyFile, parseTrust, publishedRootPath, readTrust, trustFilePath } from '../../../server/keys';
import { type TrustAnchor, verifyBundle } from '../../../src/core/bundle';
import { walkRootChain } from '../../../src/core/root';

const BIN = resolve(import.meta.dirname, '../../../bin/singgah.mjs');
const POLICY = resolve(import.meta.dirname, '../../../server/demo/policy.json');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function singgah(args: readonly string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, DATABASE_URL: '' }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

let dataDir: string;
const inData = (...args: string[]) => singgah(['--data-dir', dataDir, ...args]);
const keysDir = () => join(dataDir, 'keys');
const rootFiles = (dir = keysDir()) => readdirSync(dir).filter((f) => f.startsWith('root-'));
const bundleText = () => readFileSync(publishedBundlePath(dataDir), 'utf8');
const rootText = (v: number) => readFileSync(publishedRootPath(dataDir, v), 'utf8');
const versionOf = (text: string, anchor: TrustAnchor) => {
  const v = verifyBundle(text, anchor);
  return v.ok ? v.value.payload.version : v.error.code;
};

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'singgah-rotate-'));
});

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('keys rotate-root', () => {
  it('has --help, and refuses bad options with exit 2 / exit 1', async () => {
    const help = await singgah(['keys', 'rotate-root', '--help']);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain('Usage: singgah keys rotate-root [--keys N] [--threshold K]');
    expect(help.stdout).toContain('published/roots/<V+1>.json');
    const group = await singgah(['keys', '--help']);
    expect(group.stdout).toContain('rotate-root');
    expect((await singgah(['keys', 'rotate-root', '--bogus'])).code).toBe(2);
  });

  it('refuses when there are no root keys (exit 1), and writes nothing', async () => {
    const run = await inData('keys', 'rotate-root');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/keys create/);
    expect(existsSync(join(dataDir, 'published', 'roots'))).toBe(false);
  });

  it('rotates twice: roots 2 and 3 chain from the original trust.json; the bundle follows the newest root', async () => {
    expect((await inData('keys', 'create')).code).toBe(0);
    expect((await inData('bundle', 'sign', POLICY)).code).toBe(0);
    const originalText = readFileSync(trustFilePath(dataDir), 'utf8');
    const original = parseTrust(originalText);
    expect(original.version).toBe(1);
    const [firstRoot] = rootFiles();
    const firstRootMode = statSync(join(keysDir(), firstRoot)).mode & 0o777;
    expect(firstRootMode).toBe(0o600);
    const otherKeys = readdirSync(keysDir()).filter((f) => /^(certificate|venue|notices)-/.test(f));

    const first = await inData('keys', 'rotate-root');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/Root version 2\b/);
    expect(first.stdout).toMatch(/Re-signed bundle version 2\b/);
    const second = await inData('keys', 'rotate-root', '--keys', '2', '--threshold', '2');
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/Root version 3: 2 of 2 new key/);

    // Published roots 2 and 3; the original (v1) anchor walks to v3.
    const walked = walkRootChain(original, [rootText(2), rootText(3)]);
    if (!walked.ok) throw new Error(walked.error.code);
    expect(walked.value.anchor.version).toBe(3);
    expect(walked.value.anchor.threshold).toBe(2);
    expect(walked.value.accepted).toHaveLength(2);
    // trust.json is root 3 now: new builds pin it (and walk nothing more).
    const trust = readTrust(dataDir);
    expect(trust).toEqual(walked.value.anchor);
    expect(JSON.parse(readFileSync(trustFilePath(dataDir), 'utf8')).version).toBe(3);
    const rootTwoOnly = walkRootChain(original, [rootText(2)]);
    if (!rootTwoOnly.ok) throw new Error(rootTwoOnly.error.code);

    // The re-signed bundle (version 3 after two rotations) verifies with root 3 and NOT with roots 1 or 2.
    expect(versionOf(bundleText(), walked.value.anchor)).toBe(3);
    expect(versionOf(bundleText(), original)).toBe('BUNDLE_SIGNATURE_INVALID');
    expect(versionOf(bundleText(), rootTwoOnly.value.anchor)).toBe('BUNDLE_SIGNATURE_INVALID');

    // The old root key files were moved to keys/retired/<time>/, mode 0600 kept; the other keys stayed.
    const keptRoots = rootFiles();
    expect(keptRoots).toHaveLength(2);
    expect(keptRoots).not.toContain(firstRoot);
    const retired = readdirSync(join(keysDir(), 'retired'));
    expect(retired).toHaveLength(2);
    const retiredRoots = retired.flatMap((d) => rootFiles(join(keysDir(), 'retired', d)).map((f) => join(d, f)));
    expect(retiredRoots).toHaveLength(2);
    expect(retiredRoots.some((f) => f.endsWith(firstRoot))).toBe(true);
    for (const f of retiredRoots) {
      const path = join(keysDir(), 'retired', f);
      expect(statSync(path).mode & 0o777, f).toBe(0o600);
      expect((JSON.parse(readFileSync(path, 'utf8')) as KeyFile).role).toBe('root');
    }
    for (const f of [...keptRoots, ...otherKeys]) expect(statSync(join(keysDir(), f)).mode & 0o777, f).toBe(0o600);
    expect(readdirSync(keysDir()).filter((f) => /^(certificate|venue|notices)-/.test(f))).toEqual(otherKeys);

    // No secret on stdout or stderr.
    for (const f of [
      ...keptRoots.map((k) => join(keysDir(), k)),
      ...retiredRoots.map((k) => join(keysDir(), 'retired', k)),
    ]) {
      const secret = ((JSON.parse(readFileSync(f, 'utf8')) as KeyFile).secretKey as string).slice(0, 43);
      for (const run of [first, second]) expect(run.stdout + run.stderr).not.toContain(secret);
    }
  });

  it('bundle sign keeps working after rotation: signed by the current root only', async () => {
    const run = await inData('bundle', 'sign', POLICY);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/version 4\b/);
    expect(versionOf(bundleText(), readTrust(dataDir))).toBe(4);
  });

  it('refuses when the current root keys are missing (exit 1) and changes nothing', async () => {
    const trustBefore = readFileSync(trustFilePath(dataDir), 'utf8');
    const bundleBefore = bundleText();
    const [one] = rootFiles();
    // Move one of the two current root keys away: the 2-of-2 root can no longer sign.
    const aside = join(dataDir, one);
    renameSync(join(keysDir(), one), aside);
    try {
      const run = await inData('keys', 'rotate-root');
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/needs 2 of its secret keys/);
      expect(existsSync(publishedRootPath(dataDir, 4))).toBe(false);
      expect(readFileSync(trustFilePath(dataDir), 'utf8')).toBe(trustBefore);
      expect(bundleText()).toBe(bundleBefore);
    } finally {
      renameSync(aside, join(keysDir(), one));
    }
  });

  it('rejects a threshold above the number of new keys (exit 1)', async () => {
    const run = await inData('keys', 'rotate-root', '--keys', '1', '--threshold', '2');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/--threshold must be 1–1/);
    expect(existsSync(publishedRootPath(dataDir, 4))).toBe(false);
  });
});
