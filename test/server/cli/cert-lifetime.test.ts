/**
 * `singgah cert issue` refuses what every phone would refuse: a certificate valid past its key's window or
 * longer than the signed policy allows for its kind; a key near the end of its window is rotated, not stretched.
 */
import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_ORIGIN } from '../../../server/authority';
import { loadKeys } from '../../../server/keys';
import { type Certificate, encodeCertificate, verifyCertificate } from '../../../src/core/certificate';
import { certificateLink, parseScanned } from '../../../src/core/qr-link';
import { createTestAuthority, publishedPayload, runCliIn } from '../../support/cli-authority';

const DAY = 86_400;
let root: string;
let dataDir: string;

const nowS = () => Math.floor(Date.now() / 1000);
const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');
const VACCINATION = [
  ...['cert', 'issue', 'vaccination', '--name', 'Budi Santoso', '--birth-date', '1985-04-12', '--region', '6472'],
  ...['--product', 'Sinovac', '--dose', '2', '--doses', '2', '--date', '2026-01-15'],
];

/** The certificate a `cert issue` run printed, verified as a phone verifies it now. */
function issuedCertificate(stdout: string) {
  const scanned = parseScanned(stdout.match(/https?:\/\/\S+\/c#\d+/)?.[0] ?? '');
  if (!scanned.ok || scanned.value.kind !== 'certificate') throw new Error(`not a certificate: ${stdout}`);
  expect(verifyCertificate(scanned.value.signed, publishedPayload(dataDir), nowS()).ok).toBe(true);
  return scanned.value.signed.certificate;
}

beforeAll(async () => {
  ({ root, dataDir } = await createTestAuthority('cert-lifetime'));
});
afterEach(() => {
  vi.useRealTimers();
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('cert issue: lifetime within the key window and the policy', () => {
  it('refuses --expires past the certificate key’s window, says why and what to do, and prints no link', async () => {
    const key = publishedPayload(dataDir).keys.find((k) => k.role === 'certificate');
    if (!key) throw new Error('no certificate key');
    const run = await runCliIn(dataDir, [...VACCINATION, '--expires', String(key.validTo + 1)]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`after the certificate key ${key.kid} expires (${iso(key.validTo)})`);
    expect(run.stderr).toContain('singgah keys rotate certificate');
  });

  it('refuses a lifetime longer than policy.maxCertificateDays for its kind; accepts one at the cap', async () => {
    const long = await runCliIn(dataDir, [...VACCINATION, '--expires', String(nowS() + 366 * DAY)]);
    expect(long.code).toBe(1);
    expect(long.stderr).toContain('a vaccination certificate may be valid for at most 365 days');
    const test = [
      ...['cert', 'issue', 'test', '--name', 'Andi Wijaya', '--birth-date', '1978-01-30', '--region', '3374'],
      ...['--test-type', 'pcr', '--result', 'pos', '--sample-time', String(nowS() - 3600)],
    ];
    const longTest = await runCliIn(dataDir, [...test, '--expires', String(nowS() + 15 * DAY)]);
    expect(longTest.code).toBe(1);
    expect(longTest.stderr).toContain('a test certificate may be valid for at most 14 days');
    const atCap = await runCliIn(dataDir, [...test, '--expires', String(nowS() + 14 * DAY - 60)]);
    expect(atCap.code, atCap.stderr).toBe(0);
    expect(issuedCertificate(atCap.stdout).kind).toBe('test');
  });

  it('cert inspect names a certificate that outlives its key: signature ok, keyUsage failed, CERTIFICATE_OUTLIVES_KEY', async () => {
    const listed = publishedPayload(dataDir).keys.find((k) => k.role === 'certificate');
    const key = loadKeys(dataDir).find((k) => k.kid === listed?.kid);
    if (!listed || !key) throw new Error('no certificate key');
    const certificate: Certificate = {
      kind: 'vaccination',
      id: 'CLONGERTHANKEY1',
      holder: { name: 'Budi Santoso', birthDate: '1985-04-12', region: '6472' },
      kid: key.kid,
      issuedAt: listed.validTo - 100 * DAY,
      expiresAt: listed.validTo + 1,
      product: 'Sinovac',
      dose: 2,
      doses: 2,
      date: '2026-01-15',
    };
    const url = certificateLink(DEFAULT_ORIGIN, encodeCertificate(certificate, key.secretKey));
    const run = await runCliIn(dataDir, ['cert', 'inspect', '--json', '--at', String(listed.validTo - DAY), url]);
    expect(JSON.parse(run.stdout)).toMatchObject({
      format: 'singgah',
      valid: false,
      checks: { signature: true, keyUsage: false, time: true },
      errors: ['CERTIFICATE_OUTLIVES_KEY'],
    });
  });

  it('late in the key’s window the default expiry would outlive it: refused until `keys rotate certificate`, then issued with the new key', async () => {
    const old = publishedPayload(dataDir).keys.find((k) => k.role === 'certificate');
    if (!old) throw new Error('no certificate key');
    // 400 days into the key's 730: a 365-day vaccination would end after the key.
    vi.useFakeTimers({ toFake: ['Date'], now: (old.validFrom + 400 * DAY) * 1000 });
    const refused = await runCliIn(dataDir, VACCINATION);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`after the certificate key ${old.kid} expires`);
    const rotated = await runCliIn(dataDir, ['keys', 'rotate', 'certificate']);
    expect(rotated.code, rotated.stderr).toBe(0);
    const issued = await runCliIn(dataDir, VACCINATION);
    expect(issued.code, issued.stderr).toBe(0);
    const c = issuedCertificate(issued.stdout);
    expect(c.kid).not.toBe(old.kid);
    expect(c.expiresAt - c.issuedAt).toBe(365 * DAY);
  });
});
