/**
 * The `singgah` CLI as the operator runs it: `node bin/singgah.mjs` in a child process, a temp data
 * dir, real keys, real PGlite. Commands that share the data dir run in order.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedBundlePath } from '../../../server/authority';
import { type KeyFile, readTrust } from '../../../server/keys';
import { verifyBundle } from '../../../src/core/bundle';
import { verifyCertificate } from '../../../src/core/certificate';
import { parseScanned } from '../../../src/core/qr-link';
import { verifyVenue } from '../../../src/core/venue';

const BIN = resolve(import.meta.dirname, '../../../bin/singgah.mjs');
const POLICY = resolve(import.meta.dirname, '../../../server/demo/policy.json');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function singgah(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, DATABASE_URL: '', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

let dataDir: string;
const inData = (...args: string[]) => singgah(['--data-dir', dataDir, ...args]);
const urlIn = (text: string) => text.match(/https?:\/\/\S+\/[vc]#\d+/)?.[0];

const venueArgs = (overrides: Record<string, string> = {}) => {
  const fields = {
    name: 'Kantor Gubernur Kalimantan Timur',
    address: 'Jl. Gajah Mada No. 2, Samarinda',
    category: 'gov',
    region: '64',
    capacity: '400',
    stay: '120',
    ...overrides,
  };
  return ['venue', 'register', ...Object.entries(fields).flatMap(([k, v]) => [`--${k}`, v])];
};

function publishedPayload() {
  const verified = verifyBundle(readFileSync(publishedBundlePath(dataDir), 'utf8'), readTrust(dataDir));
  if (!verified.ok) throw new Error(`published bundle does not verify: ${verified.error.code}`);
  return verified.value.payload;
}

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'singgah-cli-'));
});

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('help and usage', () => {
  it('prints help for the CLI and every command, exit 0', async () => {
    const runs = await Promise.all(
      [
        ['--help'],
        ['help'],
        ['keys', '--help'],
        ['keys', 'create', '--help'],
        ['bundle', 'sign', '--help'],
        ['venue', 'register', '--help'],
        ['cert', 'issue', '--help'],
        ['demo-init', '--help'],
        ['help', 'venue', 'register'],
      ].map((args) => singgah(args)),
    );
    for (const run of runs) {
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/Usage: singgah/);
    }
    expect(runs[0].stdout).toContain('keys create');
    expect(runs[0].stdout).toContain('--data-dir');
    expect(runs[5].stdout).toContain('--category');
    expect(runs[6].stdout).toContain('--sample-time');
  });

  it('exits 2 on usage errors, with the message on stderr and no stack trace', async () => {
    const runs = await Promise.all([
      singgah([]),
      singgah(['frobnicate']),
      singgah(['keys', 'create', '--bogus']),
      singgah(['bundle', 'sign']),
      singgah(['--data-dir', dataDir, 'venue', 'register', '--name', 'x']),
      singgah(['--data-dir', dataDir, 'cert', 'issue', 'passport', '--name', 'x']),
    ]);
    for (const run of runs) {
      expect(run.code, run.stdout + run.stderr).toBe(2);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
    expect(runs[1].stderr).toContain('unknown command');
    expect(runs[2].stderr).toContain('--bogus');
    expect(runs[3].stderr).toContain('missing POLICY.json');
    expect(runs[4].stderr).toContain('--address is required');
  });
});

describe('keys, bundle, venues, certificates', () => {
  it('keys create writes 0600 key files, a 0700 dir and the public trust.json; no secret on stdout', async () => {
    const run = await inData('keys', 'create');
    expect(run.code, run.stderr).toBe(0);
    const dir = join(dataDir, 'keys');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const files = readdirSync(dir).filter((f) => f !== 'trust.json');
    expect(files.map((f) => f.split('-')[0]).sort()).toEqual(['cases', 'certificate', 'notices', 'root', 'venue']);
    for (const f of files) {
      expect(statSync(join(dir, f)).mode & 0o777, f).toBe(0o600);
      const key = JSON.parse(readFileSync(join(dir, f), 'utf8')) as KeyFile;
      // Ed25519: seed ‖ public key (64 bytes); the cases key is a 32-byte X25519 secret.
      expect(key.secretKey).toMatch(key.role === 'cases' ? /^[A-Za-z0-9_-]{43}$/ : /^[A-Za-z0-9_-]{86}$/);
      const secret = key.secretKey as string; // plain: no passphrase was given
      expect(run.stdout).not.toContain(secret);
      expect(run.stdout).not.toContain(secret.slice(0, 43));
      expect(run.stderr).not.toContain(secret.slice(0, 43));
      expect(run.stdout).toContain(key.kid);
    }
    const trust = JSON.parse(readFileSync(join(dir, 'trust.json'), 'utf8'));
    const root = JSON.parse(readFileSync(join(dir, files.find((f) => f.startsWith('root-')) as string), 'utf8'));
    expect(trust).toEqual({ version: 1, threshold: 1, keys: [{ kid: root.kid, publicKey: root.publicKey }] });
    expect(JSON.stringify(trust)).not.toContain(root.secretKey);
  });

  it('keys create refuses to overwrite without --force (exit 1)', async () => {
    const before = readFileSync(join(dataDir, 'keys', 'trust.json'), 'utf8');
    const run = await inData('keys', 'create');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--force');
    expect(readFileSync(join(dataDir, 'keys', 'trust.json'), 'utf8')).toBe(before);
  });

  it('venue register before any bundle says to sign one first', async () => {
    const run = await inData(...venueArgs());
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('bundle sign');
  });

  it('bundle sign publishes versions 1, 2, … that verify against trust.json', async () => {
    const first = await inData('bundle', 'sign', POLICY);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/version 1\b/);
    expect(first.stdout).toMatch(/expires: \d{4}-\d{2}-\d{2}T/);
    expect(publishedPayload().version).toBe(1);
    const second = await inData('bundle', 'sign', POLICY);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/version 2\b/);
    const payload = publishedPayload();
    expect(payload.version).toBe(2);
    expect(payload.keys.map((k) => k.role).sort()).toEqual(['certificate', 'notices', 'venue']);
    expect(statSync(publishedBundlePath(dataDir)).mode & 0o777).toBe(0o644);
  });

  it('bundle sign rejects a broken policy file (exit 1) and keeps the published bundle', async () => {
    const bad = join(dataDir, 'bad-policy.json');
    const policy = JSON.parse(readFileSync(POLICY, 'utf8'));
    policy.statusRules[0].logic = { frobnicate: [1] };
    writeFileSync(bad, JSON.stringify(policy));
    const run = await inData('bundle', 'sign', bad);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/statusRules|CertLogic|PAYLOAD_INVALID/);
    writeFileSync(bad, '{not json');
    expect((await inData('bundle', 'sign', bad)).code).toBe(1);
    expect((await inData('bundle', 'sign', join(dataDir, 'missing.json'))).code).toBe(1);
    expect(publishedPayload().version).toBe(2);
  });

  it('venue register prints a link that parses and verifies against the published bundle', async () => {
    const svg = join(dataDir, 'poster.svg');
    const run = await inData(...venueArgs(), '--origin', 'https://singgah.example', '--svg', svg);
    expect(run.code, run.stderr).toBe(0);
    const url = urlIn(run.stdout);
    expect(url?.startsWith('https://singgah.example/v#')).toBe(true);
    const scanned = parseScanned(url as string);
    if (!scanned.ok || scanned.value.kind !== 'venue') throw new Error(`not a venue: ${run.stdout}`);
    expect(verifyVenue(scanned.value.signed, publishedPayload()).ok).toBe(true);
    expect(scanned.value.signed.venue).toMatchObject({
      name: 'Kantor Gubernur Kalimantan Timur',
      category: 'gov',
      region: '64',
      capacity: 400,
      stayMinutes: 120,
    });
    expect(scanned.value.signed.venue.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
    expect(run.stdout).toMatch(/QR version (\d|10) /);
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg /);
  });

  it('venue register rejects an unknown category and a bad region with a clear message (exit 1)', async () => {
    const [category, region, capacity] = await Promise.all([
      inData(...venueArgs({ category: 'casino' })),
      inData(...venueArgs({ region: '064' })),
      inData(...venueArgs({ capacity: 'many' })),
    ]);
    // PGlite allows one process at a time: a parallel run may find the database busy instead.
    for (const run of [category, region, capacity]) expect(run.code, run.stderr).toBe(1);
    expect(category.stderr).toMatch(/unknown category "casino".*gov, worship/);
    expect(region.stderr).toMatch(/region must be a BPS code/);
    expect(capacity.stderr).toMatch(/--capacity must be a whole number/);
    for (const run of [category, region, capacity]) expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('cert issue prints links that decode as certificates and verify', async () => {
    const vaccination = await inData(
      'cert',
      'issue',
      'vaccination',
      '--name',
      'Budi Santoso',
      '--birth-date',
      '1985-04-12',
      '--region',
      '6472',
      '--product',
      'Sinovac',
      '--dose',
      '2',
      '--doses',
      '2',
      '--date',
      '2026-01-15',
    );
    expect(vaccination.code, vaccination.stderr).toBe(0);
    const sampled = new Date(Date.now() - 3 * 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const test = await inData(
      'cert',
      'issue',
      'test',
      '--name',
      'Andi Wijaya',
      '--birth-date',
      '1978-01-30',
      '--region',
      '3374',
      '--test-type',
      'pcr',
      '--result',
      'neg',
      '--sample-time',
      sampled,
    );
    expect(test.code, test.stderr).toBe(0);
    const now = Math.floor(Date.now() / 1000);
    const [v, t] = [vaccination, test].map((run) => {
      const scanned = parseScanned(urlIn(run.stdout) ?? '');
      if (!scanned.ok || scanned.value.kind !== 'certificate') throw new Error(`not a certificate: ${run.stdout}`);
      expect(verifyCertificate(scanned.value.signed, publishedPayload(), now).ok).toBe(true);
      return scanned.value.signed.certificate;
    });
    expect(v).toMatchObject({
      kind: 'vaccination',
      dose: 2,
      doses: 2,
      holder: { name: 'Budi Santoso', region: '6472' },
    });
    expect(t).toMatchObject({ kind: 'test', testType: 'pcr', result: 'neg' });
    expect(t.kind === 'test' && t.expiresAt - t.sampleTime).toBe(72 * 3600);
  });

  it('cert issue rejects bad input (exit 1) and options of another kind (exit 2)', async () => {
    const future = await inData(
      ...['cert', 'issue', 'vaccination', '--name', 'X', '--birth-date', '1990-01-01', '--region', '33'],
      ...['--product', 'Sinovac', '--dose', '3', '--doses', '2', '--date', '2026-01-01'],
    );
    expect(future.code).toBe(1);
    expect(future.stderr).toContain('exceeds the series');
    const stray = await inData(
      ...['cert', 'issue', 'recovery', '--name', 'X', '--birth-date', '1990-01-01', '--region', '33'],
      ...['--first-positive-date', '2026-11-01', '--result', 'neg'],
    );
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain('--result applies to test');
  });

  it('refuses to open a database another live process holds, and takes over a stale lock', async () => {
    const lock = join(dataDir, 'db.lock');
    writeFileSync(lock, String(process.pid)); // this test process is alive
    try {
      const busy = await inData(...venueArgs({ name: 'Busy' }));
      expect(busy.code).toBe(1);
      expect(busy.stderr).toMatch(/in use by process \d+/);
      writeFileSync(lock, '999999999'); // no such process
      const stale = await inData(...venueArgs({ name: 'Stale lock' }));
      expect(stale.code, stale.stderr).toBe(0);
    } finally {
      rmSync(lock, { force: true });
    }
  });

  it('keys create --force replaces the keys and retires the old files', async () => {
    const oldTrust = readFileSync(join(dataDir, 'keys', 'trust.json'), 'utf8');
    const run = await inData('keys', 'create', '--force');
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(join(dataDir, 'keys', 'trust.json'), 'utf8')).not.toBe(oldTrust);
    expect(readdirSync(join(dataDir, 'keys', 'retired'))).toHaveLength(1);
    // The bundle on disk was signed by the old root: signing again gives the next version under the new root.
    const signed = await inData('bundle', 'sign', POLICY);
    expect(signed.stdout).toMatch(/version 3\b/);
    expect(publishedPayload().version).toBe(3);
  });
});

describe('demo-init', () => {
  it('sets up a fresh data dir and is idempotent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'singgah-demo-'));
    try {
      const first = await singgah(['--data-dir', dir, 'demo-init', '--origin', 'http://127.0.0.1:9']);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toMatch(/Signed bundle version 1/);
      expect(first.stdout.match(/created:/g)).toHaveLength(4);
      const second = await singgah(['--data-dir', dir, 'demo-init']);
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toMatch(/Bundle version 1 kept/);
      expect(second.stdout.match(/kept:/g)).toHaveLength(4);
      expect(second.stdout).toContain('Issued 5 demo certificates');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a k-of-n root set', () => {
  it('keys create --roots 3 --threshold 2 pins 2-of-3; bundles carry 3 signatures and need 2 of them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'singgah-cli-kofn-'));
    try {
      const created = await singgah(['--data-dir', dir, 'keys', 'create', '--roots', '3', '--threshold', '2']);
      expect(created.code, created.stderr).toBe(0);
      const anchor = readTrust(dir);
      expect([anchor.threshold, anchor.keys.length, new Set(anchor.keys.map((k) => k.kid)).size]).toEqual([2, 3, 3]);
      const signed = await singgah(['--data-dir', dir, 'bundle', 'sign', POLICY]);
      expect(signed.code, signed.stderr).toBe(0);
      const text = readFileSync(publishedBundlePath(dir), 'utf8');
      const envelope = JSON.parse(text) as { payload: string; signatures: unknown[] };
      expect(envelope.signatures).toHaveLength(3);
      expect(verifyBundle(text, anchor).ok).toBe(true);
      const one = JSON.stringify({ ...envelope, signatures: envelope.signatures.slice(0, 1) });
      const r = verifyBundle(one, anchor);
      expect(r.ok ? 'ok' : r.error.code).toBe('BUNDLE_THRESHOLD_NOT_MET');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a threshold above the number of roots (exit 1) and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'singgah-cli-kofn-'));
    try {
      const run = await singgah(['--data-dir', dir, 'keys', 'create', '--roots', '2', '--threshold', '3']);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('--threshold must be 1–2');
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
