/**
 * `singgah cert inspect` as conformance harnesses and operators run it: `node bin/singgah.mjs` in a child
 * process. JSON lines: every EXPECTED* flag of the EU's 22 samples (test/vectors/eu-dcc) met by the matching
 * check; our own DCCs signed by generated Document Signer Certificates (test/support/x509.ts) for the
 * failures; malformed, oversized and streamed lines. Readable output: against --trust files and against
 * the published bundle's signers and keys.
 */
import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signerFromDer } from '../../../server/dcc-trust';
import { ISSUED, PAYLOADS, signDcc, type TestSigner, YEAR } from '../../support/dcc-sign';
import { DCC_EKU, DCC_EKU_MISSPELLED, type Dsc, makeDsc } from '../../support/x509';

const BIN = resolve(import.meta.dirname, '../../../bin/singgah.mjs');
const POLICY = resolve(import.meta.dirname, '../../../server/demo/policy.json');
const SAMPLES = resolve(import.meta.dirname, '../../vectors/eu-dcc');

interface Sample {
  readonly name: string;
  readonly PREFIX: string;
  readonly JSON?: unknown;
  readonly TESTCTX: { readonly CERTIFICATE?: string; readonly VALIDATIONCLOCK?: string };
  readonly EXPECTEDRESULTS: Record<string, boolean>;
}

function samples(): Sample[] {
  const out: Sample[] = [];
  for (const country of readdirSync(SAMPLES)) {
    const dir = join(SAMPLES, country);
    if (!statSync(dir).isDirectory()) continue;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      out.push({ name: `${country}/${file}`, ...JSON.parse(readFileSync(join(dir, file), 'utf8')) });
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** Which check each dgc-testdata flag is about (EXPECTEDVALIDJSON: the payload; PICTUREDECODE: dcc-qr test). */
const FLAG_CHECKS: Record<string, string> = {
  EXPECTEDUNPREFIX: 'prefix',
  EXPECTEDB45DECODE: 'base45',
  EXPECTEDCOMPRESSION: 'decompress',
  EXPECTEDDECODE: 'cbor',
  EXPECTEDSCHEMAVALIDATION: 'schema',
  EXPECTEDVALIDOBJECT: 'schema',
  EXPECTEDVERIFY: 'signature',
  EXPECTEDKEYUSAGE: 'keyUsage',
  EXPECTEDEXPIRATIONCHECK: 'time',
};

interface Record_ {
  format: string | null;
  valid: boolean;
  checks: Record<string, boolean | null>;
  errors: string[];
  payload: unknown;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function singgah(args: readonly string[], input?: string): Promise<Run> {
  return new Promise((done) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      // Jakarta's clock (UTC+7): a time without a zone must still be read as UTC.
      { env: { ...process.env, DATABASE_URL: '', TZ: 'Asia/Jakarta' }, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        done({ code, stdout, stderr });
      },
    );
    child.stdin?.end(input ?? '');
  });
}

async function jsonl(lines: readonly unknown[], args: readonly string[] = []): Promise<Record_[]> {
  const input = lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n');
  const run = await singgah(['--data-dir', join(root, 'none'), 'cert', 'inspect', '--jsonl', ...args], `${input}\n`);
  expect(run.code, run.stderr).toBe(0);
  const out = run.stdout.split('\n').filter((l) => l !== '');
  expect(out).toHaveLength(lines.length);
  return out.map((l) => JSON.parse(l) as Record_);
}

const testSigner = (dsc: Dsc): TestSigner => ({
  signer: signerFromDer(dsc.der, 'dsc', undefined, { lenient: true }).signer,
  privateKey: dsc.privateKey,
  kid: new Uint8Array(Buffer.from(dsc.kid, 'base64')),
});
const iso = (t: number) => new Date(t * 1000).toISOString();

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'singgah-dcc-inspect-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

// Child processes (tsx start-up, PGlite for cert issue) are slow on a loaded 2-core machine.
const SLOW = { timeout: 120_000 };

describe('cert inspect --jsonl', SLOW, () => {
  it('meets every expectation of the 22 EU samples, each with its own certificate and clock', async () => {
    const all = samples();
    expect(all).toHaveLength(22);
    const records = await jsonl(
      all.map((s) => ({
        text: s.PREFIX,
        ...(s.TESTCTX.VALIDATIONCLOCK ? { at: s.TESTCTX.VALIDATIONCLOCK } : {}),
        ...(s.TESTCTX.CERTIFICATE ? { trust: [s.TESTCTX.CERTIFICATE] } : {}),
      })),
    );
    let asserted = 0;
    all.forEach((s, i) => {
      const r = records[i];
      expect(r.format, s.name).toBe('eu-dcc');
      for (const [flag, expected] of Object.entries(s.EXPECTEDRESULTS)) {
        if (flag === 'EXPECTEDVALIDJSON') {
          expect(r.payload !== null && isDeepStrictEqual(r.payload, s.JSON), `${s.name} ${flag}`).toBe(expected);
          asserted++;
        } else if (FLAG_CHECKS[flag]) {
          expect(r.checks[FLAG_CHECKS[flag]] === true, `${s.name} ${flag} ↔ ${FLAG_CHECKS[flag]}`).toBe(expected);
          asserted++;
        }
      }
    });
    // Every flag the samples carry, except the picture (test/server/cli/dcc-qr.test.ts), was checked.
    const flags = all.flatMap((s) => Object.keys(s.EXPECTEDRESULTS).filter((f) => f !== 'EXPECTEDPICTUREDECODE'));
    expect(asserted).toBe(flags.length);
  });

  it('our own DCCs: valid, and each failure on its own check (wrong signer, key usage, time, tampering)', async () => {
    const es = makeDsc({ country: 'ID' });
    const vOnly = makeDsc({ country: 'ID', eku: [DCC_EKU.v] });
    const tOnlyMisspelled = makeDsc({ country: 'ID', keyType: 'rsa-pss', eku: [DCC_EKU_MISSPELLED.t] });
    const other = makeDsc({ country: 'ID' });
    const at = iso(ISSUED + 86_400);
    const v = signDcc({ by: testSigner(es), payload: PAYLOADS.v });
    const lines = [
      { text: v, at, trust: [es.pem] },
      { text: v, at, trust: [other.pem] }, // a kid no trusted signer has
      { text: v, at, trust: [other.der.toString('base64'), es.der.toString('base64')] },
      { text: signDcc({ by: testSigner(vOnly), payload: PAYLOADS.t }), at, trust: [vOnly.pem] },
      { text: signDcc({ by: testSigner(tOnlyMisspelled), payload: PAYLOADS.t }), at, trust: [tOnlyMisspelled.pem] },
      { text: signDcc({ by: testSigner(tOnlyMisspelled), payload: PAYLOADS.v }), at, trust: [tOnlyMisspelled.pem] },
      { text: v, at: iso(ISSUED + YEAR + 1), trust: [es.pem] },
      { text: v, at: iso(ISSUED - 1), trust: [es.pem] },
      {
        text: signDcc({ by: testSigner(es), tamper: (p) => Uint8Array.from([...p.slice(0, -1), p[p.length - 1] ^ 1]) }),
        at,
        trust: [es.pem],
      },
      { text: v.replace('HC1:', 'HC2:'), at, trust: [es.pem] },
      { text: `${v.slice(0, 20)}~${v.slice(21)}`, at, trust: [es.pem] },
    ];
    const r = await jsonl(lines);
    const summary = r.map((x) => [x.valid, x.errors]);
    expect(summary[0]).toEqual([true, []]);
    expect(r[0].payload).toEqual(PAYLOADS.v);
    expect(r[1]).toMatchObject({ valid: false, errors: ['SIGNER_UNKNOWN'] });
    expect(r[1].checks).toMatchObject({ cbor: true, schema: true, signature: false });
    expect(r[2].valid).toBe(true); // the right one among several
    expect(r[3]).toMatchObject({ valid: false, errors: ['KEY_USAGE_MISMATCH'] });
    expect(r[3].checks).toMatchObject({ signature: true, keyUsage: false });
    expect(r[4]).toMatchObject({ valid: true, errors: [] }); // PS256, misspelled test OID, a test
    expect(r[5].checks).toMatchObject({ signature: true, keyUsage: false });
    expect(r[6]).toMatchObject({ valid: false, errors: ['CERTIFICATE_EXPIRED'] });
    expect(r[6].checks).toMatchObject({ signature: true, time: false });
    expect(r[7]).toMatchObject({ valid: false, errors: ['CERTIFICATE_NOT_YET_VALID'] });
    expect(r[8].checks.signature).not.toBe(true);
    expect(r[8].valid).toBe(false);
    expect(r[9].checks).toMatchObject({ prefix: false });
    expect(r[10].checks).toMatchObject({ prefix: true, base45: false });
    for (const x of r) expect(Object.keys(x)).toEqual(['format', 'valid', 'checks', 'errors', 'payload']);
    for (const x of r) {
      expect(Object.keys(x.checks)).toEqual([
        'prefix',
        'base45',
        'decompress',
        'cose',
        'cbor',
        'schema',
        'signature',
        'keyUsage',
        'time',
      ]);
    }
  });

  it('a malformed line gives a line with format null and a code, never a crash or a skipped line', async () => {
    const es = makeDsc();
    const odd = makeDsc({ ca: true, country: null });
    const v = signDcc({ by: testSigner(es) });
    const r = await jsonl([
      'not json',
      '[1, 2]',
      '{"text": 5}',
      '{}',
      JSON.stringify({ text: v, at: 'yesterday' }),
      JSON.stringify({ text: v, at: '3 August 2021' }),
      JSON.stringify({ text: v, trust: 'not a list' }),
      JSON.stringify({ text: v, trust: [5] }),
      '',
      JSON.stringify({
        text: v,
        at: iso(ISSUED + 60),
        trust: ['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----'],
      }),
      JSON.stringify({ text: v, at: iso(ISSUED + 60), trust: [makeDsc({ keyType: 'p384' }).pem, es.pem] }),
      JSON.stringify({ text: v, at: ISSUED + 60, trust: [es.pem] }),
      // A time without a zone is UTC; a CA-marked certificate naming no country still verifies (a check).
      JSON.stringify({ text: v, at: iso(ISSUED - 30).replace('.000Z', ''), trust: [es.pem] }),
      JSON.stringify({ text: v, at: iso(ISSUED + 30).replace('.000Z', ''), trust: [es.pem] }),
      JSON.stringify({ text: signDcc({ by: testSigner(odd) }), at: iso(ISSUED + 60), trust: [odd.pem] }),
    ]);
    expect(r.slice(0, 9).map((x) => [x.format, x.valid, x.errors])).toEqual([
      [null, false, ['LINE_NOT_JSON']],
      [null, false, ['LINE_NOT_JSON']],
      [null, false, ['TEXT_MISSING']],
      [null, false, ['TEXT_MISSING']],
      [null, false, ['AT_INVALID']],
      [null, false, ['AT_INVALID']],
      [null, false, ['TRUST_INVALID']],
      [null, false, ['TRUST_INVALID']],
      [null, false, ['LINE_NOT_JSON']],
    ]);
    for (const x of r.slice(0, 9)) expect(Object.values(x.checks).every((c) => c === null)).toBe(true);
    // An unusable trust entry: reported, and the text still decoded.
    expect(r[9]).toMatchObject({ format: 'eu-dcc', valid: false, errors: ['DCC_SIGNER_INVALID', 'SIGNER_UNKNOWN'] });
    expect(r[9].checks).toMatchObject({ cbor: true, schema: true, signature: false });
    expect(r[10]).toMatchObject({ valid: false, errors: ['DCC_SIGNER_INVALID'] });
    expect(r[10].checks.signature).toBe(true);
    expect(r[11]).toMatchObject({ valid: true }); // Unix seconds
    expect(r[12]).toMatchObject({ valid: false, errors: ['CERTIFICATE_NOT_YET_VALID'] });
    expect(r[13]).toMatchObject({ valid: true });
    expect(r[14]).toMatchObject({ valid: true });
  });

  it('many lines in order, a line over 1 MiB answered INPUT_TOO_LARGE, a last line without newline', async () => {
    const es = makeDsc();
    const good = JSON.stringify({ text: signDcc({ by: testSigner(es) }), at: iso(ISSUED + 60), trust: [es.pem] });
    const bad = JSON.stringify({ text: 'HC1:garbage', trust: [es.pem] });
    const lines = Array.from({ length: 600 }, (_, i) => (i % 3 === 0 ? bad : good));
    lines.splice(300, 0, JSON.stringify({ text: 'x'.repeat(1_100_000) }));
    const input = lines.join('\n'); // no final newline
    const run = await singgah(['--data-dir', join(root, 'none'), 'cert', 'inspect', '--jsonl'], input);
    expect(run.code, run.stderr).toBe(0);
    const out = run.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record_);
    expect(out).toHaveLength(601);
    expect(out[300].errors).toEqual(['INPUT_TOO_LARGE']);
    const rest = [...out.slice(0, 300), ...out.slice(301)];
    expect(rest.map((x) => x.valid)).toEqual(rest.map((_, i) => i % 3 !== 0));
  });

  it('--trust and --at are the defaults for lines without their own', async () => {
    const es = makeDsc();
    const other = makeDsc();
    const pem = join(root, 'default.pem');
    writeFileSync(pem, es.pem);
    const v = signDcc({ by: testSigner(es) });
    const r = await jsonl(
      [{ text: v }, { text: v, at: iso(ISSUED + YEAR + 60) }, { text: v, trust: [other.pem] }],
      ['--trust', pem, '--at', iso(ISSUED + 60)],
    );
    expect(r.map((x) => [x.valid, x.errors])).toEqual([
      [true, []],
      [false, ['CERTIFICATE_EXPIRED']],
      [false, ['SIGNER_UNKNOWN']],
    ]);
  });

  it('streams: answers each line before the next one is written', async () => {
    const es = makeDsc();
    const line = `${JSON.stringify({ text: signDcc({ by: testSigner(es) }), at: iso(ISSUED + 60), trust: [es.pem] })}\n`;
    const child: ChildProcessWithoutNullStreams = spawn(
      process.execPath,
      [BIN, '--data-dir', join(root, 'none'), 'cert', 'inspect', '--jsonl'],
      { env: { ...process.env, DATABASE_URL: '' } },
    );
    let stdout = '';
    const nextLine = (count: number) =>
      new Promise<void>((done, fail) => {
        const timer = setTimeout(() => fail(new Error(`no output line ${count} within 20 s`)), 20_000);
        const check = () => {
          if (stdout.split('\n').length > count) {
            clearTimeout(timer);
            child.stdout.off('data', onData);
            done();
          }
        };
        const onData = (d: Buffer) => {
          stdout += d.toString();
          check();
        };
        child.stdout.on('data', onData);
        check();
      });
    try {
      child.stdin.write(line);
      await nextLine(1);
      child.stdin.write(line);
      await nextLine(2);
      const exit = new Promise<number | null>((done) => child.on('close', done));
      child.stdin.end();
      expect(await exit).toBe(0);
      expect(
        stdout
          .trimEnd()
          .split('\n')
          .map((l) => (JSON.parse(l) as Record_).valid),
      ).toEqual([true, true]);
    } finally {
      child.kill();
    }
  });
});

describe('cert inspect (readable, --json)', SLOW, () => {
  let dataDir: string;
  const es = makeDsc({ country: 'AT', eku: [DCC_EKU.v] });
  const inData = (args: readonly string[], input?: string) => singgah(['--data-dir', dataDir, ...args], input);

  beforeAll(async () => {
    dataDir = join(root, 'data');
    expect((await inData(['keys', 'create'])).code).toBe(0);
    expect((await inData(['bundle', 'sign', POLICY])).code).toBe(0);
  }, 120_000);

  it('shows holder, facts, each check and the result; exit 1 when not valid', async () => {
    const pem = join(root, 'at.pem');
    writeFileSync(pem, es.pem);
    const v = signDcc({ by: testSigner(es), payload: PAYLOADS.v });
    const run = await inData(['cert', 'inspect', '--trust', pem, '--at', iso(ISSUED + 60), v]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Checked at ${iso(ISSUED + 60).replace('.000Z', 'Z')} against 1 --trust signer(s)`);
    expect(run.stdout).toContain(`Format:    EU Digital COVID Certificate, signed by AT signer ${es.kid}`);
    expect(run.stdout).toMatch(/Holder: {4}Santoso, Budi \(SANTOSO, BUDI\), born \d{4}-\d{2}-\d{2}/);
    expect(run.stdout).toMatch(/Vaccination: EU\/1\/20\/1528 .*dose \d of \d on \d{4}-\d{2}-\d{2}/);
    expect(run.stdout).toContain(
      'Checks:    prefix ok, base45 ok, decompress ok, cose ok, cbor ok, schema ok, signature ok, keyUsage ok, time ok',
    );
    expect(run.stdout).toContain('Result:    VALID');

    const t = signDcc({ by: testSigner(es), payload: PAYLOADS.t });
    const mismatch = await inData(['cert', 'inspect', '--trust', pem, '--at', iso(ISSUED + 60), t]);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stdout).toMatch(/Test: {6}(NAAT\/PCR|rapid antigen), not detected/);
    expect(mismatch.stdout).toContain('keyUsage FAILED');
    expect(mismatch.stdout).toContain('Errors:    KEY_USAGE_MISMATCH');
    expect(mismatch.stdout).toContain('Result:    NOT VALID');
    expect(mismatch.stderr).toContain('singgah: 1 of 1 certificate(s) not valid');
  });

  it('without --trust, the DCC signers of the published bundle (after trust import); --json prints records', async () => {
    const v = signDcc({ by: testSigner(es), payload: PAYLOADS.v });
    const before = await inData(['cert', 'inspect', '--json', '--at', iso(ISSUED + 60), v]);
    expect(before.code).toBe(1);
    expect(JSON.parse(before.stdout)).toMatchObject({ format: 'eu-dcc', valid: false, errors: ['SIGNER_UNKNOWN'] });
    const pem = join(root, 'trusted.pem');
    writeFileSync(pem, es.pem);
    expect((await inData(['trust', 'import', pem])).code).toBe(0);
    const after = await inData(['cert', 'inspect', '--json', '--at', iso(ISSUED + 60), v]);
    expect(after.code, after.stderr).toBe(0);
    expect(JSON.parse(after.stdout)).toMatchObject({ format: 'eu-dcc', valid: true, errors: [], payload: PAYLOADS.v });
  });

  it('a Singgah certificate link against the published bundle, also from stdin', async () => {
    const issued = await inData([
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
      new Date(Date.now() - 3_600_000).toISOString(),
    ]);
    expect(issued.code, issued.stderr).toBe(0);
    const url = issued.stdout.match(/https?:\/\/\S+\/c#\d+/)?.[0] as string;
    const run = await inData(['cert', 'inspect'], `${url}\n`);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Format:    Singgah');
    expect(run.stdout).toContain('Holder:    Andi Wijaya, born 1978-01-30, region 3374');
    expect(run.stdout).toContain('Test:      pcr, neg');
    expect(run.stdout).toContain(
      'Checks:    prefix ok, base45 –, decompress –, cose –, cbor –, schema ok, signature ok, keyUsage ok, time ok',
    );
    const [json] = await jsonl([{ text: url }]);
    expect(json).toMatchObject({ format: 'singgah', valid: false, errors: ['BUNDLE_NOT_PUBLISHED'] });
    const later = await inData([
      'cert',
      'inspect',
      '--json',
      '--at',
      iso(Math.floor(Date.now() / 1000) + 10 * 86_400),
      url,
    ]);
    expect(JSON.parse(later.stdout)).toMatchObject({
      format: 'singgah',
      valid: false,
      errors: ['CERTIFICATE_EXPIRED'],
    });
    const forged = url.replace(/(\d)(\d{10})$/, (_m, d: string, rest: string) => `${(Number(d) + 1) % 10}${rest}`);
    const bad = await inData(['cert', 'inspect', '--json', forged]);
    expect(JSON.parse(bad.stdout).valid).toBe(false);
  });

  it('usage errors', async () => {
    const both = await inData(['cert', 'inspect', '--jsonl', 'HC1:x']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--jsonl reads its texts from stdin: no TEXT, no --json');
    const at = await inData(['cert', 'inspect', '--at', 'soon', 'HC1:x']);
    expect(at.code).toBe(1);
    expect(at.stderr).toContain('--at must be an ISO 8601 time or Unix seconds, got "soon"');
  });
});
