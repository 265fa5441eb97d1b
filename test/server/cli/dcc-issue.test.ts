/**
 * The authority as an EU DCC issuer (server/dcc-issuer.ts): `keys create-dcc-issuer` makes its Document
 * Signer key and certificate and trusts it in the bundle; `cert issue … --format eu-dcc` signs `HC1:`
 * certificates with it that the phones' own verifier (core inspectDcc) accepts against the published bundle.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dccIssuerPath, transliterate } from '../../../server/dcc-issuer';
import { setKeyPassphrase } from '../../../server/keys';
import { inspectDcc } from '../../../src/core/dcc';
import { createTestAuthority, DEMO_POLICY as POLICY, publishedPayload, runCliIn } from '../../support/cli-authority';

let root: string;
let dataDir: string;

const cli = (args: readonly string[], dir = dataDir) => runCliIn(dir, args);
const published = (dir = dataDir) => publishedPayload(dir);

const now = () => Math.floor(Date.now() / 1000);
const HOLDER = ['--name', 'Santoso', '--given-name', 'Budi Ärmin', '--birth-date', '1985-03-12'];

/** Issue, and read the HC1: text from the output. */
async function issue(args: readonly string[]) {
  const run = await cli(['cert', 'issue', ...args, '--format', 'eu-dcc', ...HOLDER]);
  expect(run.code, run.stderr).toBe(0);
  const text = run.stdout.split('\n').find((l) => l.startsWith('HC1:')) as string;
  expect(text).toBeDefined();
  return { run, text };
}

beforeAll(async () => {
  ({ root, dataDir } = await createTestAuthority('dcc-issue'));
});
afterAll(() => {
  setKeyPassphrase(undefined);
  rmSync(root, { recursive: true, force: true });
});

describe('EU DCC issuing', () => {
  it('without an issuer key, cert issue --format eu-dcc says how to make one', async () => {
    const run = await cli([
      'cert',
      'issue',
      'recovery',
      '--format',
      'eu-dcc',
      ...HOLDER,
      '--first-positive-date',
      '2026-11-01',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no DCC issuer key: run `singgah keys create-dcc-issuer` first');
  });

  it('keys create-dcc-issuer: an ES256 signer for ID with the DCC usages, in the re-signed bundle', async () => {
    const before = published().version;
    const run = await cli(['keys', 'create-dcc-issuer']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Created the DCC issuer key \S{12} \(ID\)/);
    const signers = published().dccSigners ?? [];
    expect(published().version).toBe(before + 1);
    expect(signers).toHaveLength(1);
    expect(signers[0]).toMatchObject({ country: 'ID', alg: 'ES256', usages: ['t', 'v', 'r'] });
    expect(readFileSync(dccIssuerPath(dataDir), 'utf8')).toContain('BEGIN PRIVATE KEY');
    const again = await cli(['keys', 'create-dcc-issuer']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('exists: use --force');
  });

  it('issues a vaccination the phones verify against the published bundle, and cert inspect shows it', async () => {
    const { run, text } = await issue([
      'vaccination',
      '--product',
      'EU/1/20/1528',
      '--manufacturer',
      'ORG-100030215',
      '--dose',
      '2',
      '--doses',
      '2',
      '--date',
      '2026-09-01',
    ]);
    expect(run.stdout).toMatch(/Issued EU DCC vaccination for Santoso, signer \S{12}, valid until/);
    const r = inspectDcc(text, { at: now() + 60, signers: published().dccSigners ?? [] });
    expect(r.errors).toEqual([]);
    expect(r.valid).toBe(true);
    expect(r.payload).toMatchObject({
      ver: '1.3.0',
      nam: { fn: 'Santoso', fnt: 'SANTOSO', gn: 'Budi Ärmin', gnt: 'BUDI<ARMIN' },
      dob: '1985-03-12',
      v: [
        {
          tg: '840539006',
          vp: '1119349007',
          mp: 'EU/1/20/1528',
          ma: 'ORG-100030215',
          dn: 2,
          sd: 2,
          dt: '2026-09-01',
          co: 'ID',
          is: 'Kementerian Kesehatan Republik Indonesia',
          ci: expect.stringMatching(/^URN:UVCI:01:ID:[0-9A-Z]{26}$/),
        },
      ],
    });
    expect(r.claims).toMatchObject({ iss: 'ID' });
    const inspected = await cli(['cert', 'inspect', text]);
    expect(inspected.code, inspected.stderr).toBe(0);
    expect(inspected.stdout).toContain('Result:    VALID');
  });

  it('issues a test (antigen) and a recovery with the EU codes', async () => {
    const sample = now() - 3600;
    const test = await issue([
      'test',
      '--test-type',
      'antigen',
      '--result',
      'neg',
      '--sample-time',
      String(sample),
      '--test-centre',
      'Puskesmas Gambir',
      '--device',
      '1232',
    ]);
    const signers = published().dccSigners ?? [];
    const t = inspectDcc(test.text, { at: now() + 60, signers });
    expect(t.valid).toBe(true);
    expect(t.payload).toMatchObject({
      t: [
        {
          tt: 'LP217198-3',
          tr: '260415000',
          ma: '1232',
          tc: 'Puskesmas Gambir',
          sc: new Date(sample * 1000).toISOString().replace('.000Z', 'Z'),
        },
      ],
    });
    expect(t.claims.exp).toBe(sample + 72 * 3600);
    const rec = await issue(['recovery', '--first-positive-date', '2026-11-01']);
    const r = inspectDcc(rec.text, { at: now() + 60, signers });
    expect(r.valid).toBe(true);
    expect(r.payload).toMatchObject({ r: [{ fr: '2026-11-01', df: '2026-11-12', du: '2027-04-30' }] });
  });

  it('refuses what would make a bad certificate, and mixed-up options', async () => {
    const bad = await cli([
      'cert',
      'issue',
      'recovery',
      '--format',
      'eu-dcc',
      ...HOLDER,
      '--first-positive-date',
      '2026-13-01',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--first-positive-date must be YYYY-MM-DD, got "2026-13-01"');
    const region = await cli([
      'cert',
      'issue',
      'recovery',
      '--format',
      'eu-dcc',
      ...HOLDER,
      '--region',
      '31',
      '--first-positive-date',
      '2026-11-01',
    ]);
    expect(region.code).toBe(2);
    expect(region.stderr).toContain('--region and --origin are for Singgah certificates');
    const format = await cli(['cert', 'issue', 'recovery', '--format', 'pdf', ...HOLDER]);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('--format must be singgah or eu-dcc, got "pdf"');
    const stray = await cli([
      'cert',
      'issue',
      'recovery',
      '--name',
      'A',
      '--birth-date',
      '1990-01-01',
      '--region',
      '31',
      '--first-positive-date',
      '2026-11-01',
      '--issuer',
      'X',
    ]);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain('--issuer applies to --format eu-dcc');
    expect(transliterate('  Ñoño  de la Peña-Ruiz ')).toBe('NONO<DE<LA<PENA<RUIZ');
  });

  it('keys create --dcc-issuer CC makes it with the other keys; the first bundle sign carries it', async () => {
    const dir = join(root, 'fresh');
    const run = await cli(['keys', 'create', '--dcc-issuer', 'ID'], dir);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/ {2}dcc-issuer {3}\S{12} \(ID; trusted in the next bundle\)/);
    expect((await cli(['bundle', 'sign', POLICY], dir)).code).toBe(0);
    expect(published(dir).dccSigners).toEqual([expect.objectContaining({ country: 'ID', alg: 'ES256' })]);
  });

  it('with a passphrase the issuer key is stored encrypted and cannot be used without it', async () => {
    const dir = join(root, 'locked');
    const pass = join(root, 'pass.txt');
    writeFileSync(pass, 'correct horse battery staple\n', { mode: 0o600 });
    expect((await cli(['--passphrase-file', pass, 'keys', 'create'], dir)).code).toBe(0);
    expect((await cli(['--passphrase-file', pass, 'bundle', 'sign', POLICY], dir)).code).toBe(0);
    expect((await cli(['--passphrase-file', pass, 'keys', 'create-dcc-issuer', '--country', 'MY'], dir)).code).toBe(0);
    expect(readFileSync(dccIssuerPath(dir), 'utf8')).toContain('BEGIN ENCRYPTED PRIVATE KEY');
    setKeyPassphrase(undefined);
    const locked = await cli(
      ['cert', 'issue', 'recovery', '--format', 'eu-dcc', ...HOLDER, '--first-positive-date', '2026-11-01'],
      dir,
    );
    expect(locked.code).toBe(1);
    expect(locked.stderr).toContain('cannot open the key');
    const open = await cli(
      [
        '--passphrase-file',
        pass,
        'cert',
        'issue',
        'recovery',
        '--format',
        'eu-dcc',
        ...HOLDER,
        '--first-positive-date',
        '2026-11-01',
      ],
      dir,
    );
    expect(open.code, open.stderr).toBe(0);
    const text = open.stdout.split('\n').find((l) => l.startsWith('HC1:')) as string;
    const r = inspectDcc(text, { at: now() + 60, signers: published(dir).dccSigners ?? [] });
    expect(r.valid).toBe(true);
    expect(r.claims.iss).toBe('MY');
    setKeyPassphrase(undefined);
  });
});
