/**
 * Revoking EU DCCs from the CLI (server/cli/dcc.ts, server/dcc-revocations.ts): `dcc revoke` by UCI, country +
 * UCI or signature, `dcc import` of the EU gateway's revocation batches, `dcc list`, `dcc unrevoke` — each
 * re-signing the bundle whose `dccRevocations` the phones' own verifier (core inspectDcc) and `cert inspect`
 * then refuse with CERTIFICATE_REVOKED. Hashes are computed here independently with Node's crypto.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedBundlePath } from '../../../server/authority';
import { dccIssuerPath } from '../../../server/dcc-issuer';
import { bundleRevocationsOf, dccRevocationsPath } from '../../../server/dcc-revocations';
import { readTrust } from '../../../server/keys';
import { verifyBundle } from '../../../src/core/bundle';
import { inspectDcc } from '../../../src/core/dcc';
import { runCliIn } from '../../support/cli-authority';

const POLICY = resolve(import.meta.dirname, '../../../server/demo/policy.json');

let root: string;
let dataDir: string;
let text: string;
let uci: string;

const cli = (args: readonly string[]) => runCliIn(dataDir, args);

const published = () => {
  const verified = verifyBundle(readFileSync(publishedBundlePath(dataDir), 'utf8'), readTrust(dataDir));
  if (!verified.ok) throw new Error(verified.error.code);
  return verified.value.payload;
};
const hash16 = (data: string | Uint8Array) =>
  createHash('sha256').update(data).digest().subarray(0, 16).toString('base64');
const now = () => Math.floor(Date.now() / 1000);

/** `cert inspect --json TEXT` against the published bundle. */
async function inspectJson(t = text) {
  const run = await cli(['cert', 'inspect', '--json', t]);
  return { code: run.code, record: JSON.parse(run.stdout.trim()) as { valid: boolean; errors: string[] } };
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'singgah-dcc-revoke-'));
  dataDir = join(root, 'data');
  expect((await cli(['keys', 'create'])).code).toBe(0);
  expect((await cli(['bundle', 'sign', POLICY])).code).toBe(0);
  expect((await cli(['keys', 'create-dcc-issuer'])).code).toBe(0);
  const run = await cli([
    ...['cert', 'issue', 'vaccination', '--format', 'eu-dcc', '--name', 'Santoso', '--birth-date', '1985-03-12'],
    ...['--product', 'EU/1/20/1528', '--manufacturer', 'ORG-100030215', '--dose', '2', '--doses', '2'],
    ...['--date', '2026-09-01'],
  ]);
  expect(run.code, run.stderr).toBe(0);
  text = run.stdout.split('\n').find((l) => l.startsWith('HC1:')) as string;
  const payload = inspectDcc(text, { at: now(), signers: [] }).payload as { v: { ci: string }[] };
  uci = payload.v[0].ci;
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('dcc revoke / list / unrevoke', () => {
  it('revoke --uci → the next bundle lists its hash → cert inspect says CERTIFICATE_REVOKED; unrevoke undoes it', async () => {
    expect(await inspectJson()).toEqual({ code: 0, record: expect.objectContaining({ valid: true, errors: [] }) });
    const before = published().version;

    const run = await cli(['dcc', 'revoke', '--uci', uci, '--reason', 'issued in error']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Revoked: UCI`);
    expect(run.stdout).toMatch(/Re-signed bundle version \d+ with the DCC revocations in force \(1 UCI, 0 /);
    const bundle = published();
    expect(bundle.version).toBe(before + 1);
    expect(bundle.dccRevocations).toEqual({ uci: [hash16(uci)] });
    // The phones' verifier against that bundle.
    const onPhone = inspectDcc(text, {
      at: now(),
      signers: bundle.dccSigners ?? [],
      revocations: bundle.dccRevocations ?? {},
    });
    expect(onPhone.errors).toEqual(['CERTIFICATE_REVOKED']);

    const inspected = await inspectJson();
    expect(inspected.code).toBe(1);
    expect(inspected.record).toMatchObject({ valid: false, errors: ['CERTIFICATE_REVOKED'] });
    const readable = await cli(['cert', 'inspect', text]);
    expect(readable.stdout).toContain('CERTIFICATE_REVOKED');
    expect(readable.stdout).toContain('NOT VALID');
    // --trust checks only against the files given: the authority's revocations are not part of that check.
    const dsc = join(root, 'issuer.der');
    const issuer = JSON.parse(readFileSync(dccIssuerPath(dataDir), 'utf8')) as { certificate: string };
    writeFileSync(dsc, Buffer.from(issuer.certificate, 'base64'));
    const alone = await cli(['cert', 'inspect', '--json', '--trust', dsc, text]);
    expect(JSON.parse(alone.stdout)).toMatchObject({ valid: true, errors: [] });

    const list = await cli(['dcc', 'list']);
    expect(list.stdout).toContain('1 revoked DCC hash(es), 1 in force');
    expect(list.stdout).toContain(hash16(uci));
    expect(list.stdout).toContain(`${uci} — reason: issued in error`);
    expect(list.stdout).toContain('for good');

    // Revoking again changes nothing but the version.
    const again = await cli(['dcc', 'revoke', '--uci', uci]);
    expect(again.stdout).toContain('Already revoked');
    expect(published().dccRevocations).toEqual({ uci: [hash16(uci)] });

    const undo = await cli(['dcc', 'unrevoke', '--uci', uci]);
    expect(undo.code, undo.stderr).toBe(0);
    expect(undo.stdout).toContain(`Unrevoked UCI`);
    expect(published().dccRevocations).toBeUndefined();
    expect((await inspectJson()).record.valid).toBe(true);
  });

  it('revoke --country-uci and --signature (HC1 text, a file, or the QR image); unrevoke by HASH', async () => {
    expect((await cli(['dcc', 'revoke', '--country-uci', `ID/${uci}`])).code).toBe(0);
    expect(published().dccRevocations).toEqual({ countryUci: [hash16(`ID${uci}`)] });
    expect((await inspectJson()).record.errors).toEqual(['CERTIFICATE_REVOKED']);
    // Another country's certificate with the same UCI is another entry.
    expect(hash16(`DE${uci}`)).not.toBe(hash16(`ID${uci}`));
    expect((await cli(['dcc', 'unrevoke', hash16(`ID${uci}`)])).code).toBe(0);

    // The signature list: ES256 → the r half (first 32 bytes) of the COSE signature.
    const file = join(root, 'dcc.txt');
    writeFileSync(file, `${text}\n`);
    const png = join(root, 'dcc.png');
    // A screenshot of the certificate's QR, as phones save it. (A synthetic photo of a printed page did not decode
    // for some of the random UCIs this test issues: the CLI's image reading is tested on photos elsewhere.)
    writeFileSync(png, await QRCode.toBuffer(text, { type: 'png', errorCorrectionLevel: 'Q', margin: 4, scale: 6 }));
    const issuedSig = inspectDcc(text, { at: now(), signers: [] }).revocation?.signature as string;
    for (const arg of [text, file, png]) {
      const run = await cli(['dcc', 'revoke', '--signature', arg]);
      expect(run.code, run.stderr).toBe(0);
      expect(published().dccRevocations).toEqual({ signature: [issuedSig] });
      expect((await inspectJson()).record.errors).toEqual(['CERTIFICATE_REVOKED']);
      // Kept only while the DCC itself is valid: its end is the DCC's expiry.
      const list = await cli(['dcc', 'list']);
      const exp = inspectDcc(text, { at: now(), signers: [] }).claims.exp as number;
      expect(list.stdout).toContain(`until ${new Date(exp * 1000).toISOString().replace('.000Z', 'Z')}`);
      expect(list.stdout).toContain(`signature of ${uci} (ID)`);
      expect((await cli(['dcc', 'unrevoke', '--signature', arg])).code).toBe(0);
      expect(published().dccRevocations).toBeUndefined();
    }
  });

  it('revoking again never shortens a revocation: a later end or none wins', async () => {
    const at = (days: number) => new Date((now() + days * 86_400) * 1000).toISOString().slice(0, 10);
    const line = async () =>
      (await cli(['dcc', 'list'])).stdout.split('\n').find((l) => l.includes('URN:UVCI:01:ID:TWICE'));
    expect((await cli(['dcc', 'revoke', '--uci', 'URN:UVCI:01:ID:TWICE', '--until', at(10)])).code).toBe(0);
    expect(await line()).toContain(`until ${at(10)}T00:00:00Z`);
    expect((await cli(['dcc', 'revoke', '--uci', 'URN:UVCI:01:ID:TWICE', '--until', at(5)])).code).toBe(0);
    expect(await line()).toContain(`until ${at(10)}T00:00:00Z`);
    expect((await cli(['dcc', 'revoke', '--uci', 'URN:UVCI:01:ID:TWICE', '--until', at(20)])).code).toBe(0);
    expect(await line()).toContain(`until ${at(20)}T00:00:00Z`);
    expect((await cli(['dcc', 'revoke', '--uci', 'URN:UVCI:01:ID:TWICE'])).code).toBe(0);
    expect(await line()).toContain('for good');
    expect((await cli(['dcc', 'revoke', '--uci', 'URN:UVCI:01:ID:TWICE', '--until', at(3)])).code).toBe(0);
    expect(await line()).toContain('for good');
    expect((await cli(['dcc', 'unrevoke', '--uci', 'URN:UVCI:01:ID:TWICE'])).code).toBe(0);
    expect(await line()).toBeUndefined();
  });

  it('refuses what names no DCC, and says how to use it', async () => {
    expect((await cli(['dcc', 'revoke'])).code).toBe(2);
    const both = await cli(['dcc', 'revoke', '--uci', 'A', '--country-uci', 'ID/A']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('give exactly one of --uci, --country-uci, --signature');
    expect((await cli(['dcc', 'revoke', '--country-uci', 'Indonesia:A'])).stderr).toContain('CC/UCI');
    const bad = await cli(['dcc', 'revoke', '--signature', 'HC1:NOT*BASE45']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('not a readable EU DCC (BASE45_INVALID)');
    const past = await cli(['dcc', 'revoke', '--uci', 'A', '--until', '2020-01-01']);
    expect(past.code).toBe(1);
    const missing = await cli(['dcc', 'unrevoke', hash16('never revoked')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no revoked DCC with hash');
    expect(existsSync(dccRevocationsPath(dataDir)) ? published().dccRevocations : undefined).toBeUndefined();
  });
});

describe('dcc import: the EU gateway revocation batches', () => {
  const future = new Date((now() + 30 * 86_400) * 1000).toISOString().replace('.000Z', 'Z');
  const batch = (hashType: string, hashes: readonly string[], expires = future) => ({
    country: 'DE',
    expires,
    kid: 'UNKNOWN_KID',
    hashType,
    entries: hashes.map((hash) => ({ hash })),
  });

  it('adds each batch’s hashes to its list until the batch expires; expired batches are skipped', async () => {
    const file = join(root, 'batches.json');
    const other = hash16('URN:UVCI:01DE/OTHER#1');
    writeFileSync(
      file,
      JSON.stringify([
        batch('UCI', [hash16(uci), other]),
        batch('SIGNATURE', [hash16('x')]),
        batch('COUNTRYCODEUCI', [hash16('y')], '2022-01-01T00:00:00Z'),
      ]),
    );
    const run = await cli(['dcc', 'import', file]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Imported 3 revoked DCC hash(es) from 3 batch(es)');
    expect(run.stderr).toContain('skipped');
    expect(run.stderr).toContain('expired 2022-01-01T00:00:00Z');
    expect(published().dccRevocations).toEqual({ uci: [hash16(uci), other].sort(), signature: [hash16('x')] });
    expect((await inspectJson()).record.errors).toEqual(['CERTIFICATE_REVOKED']);
    const list = await cli(['dcc', 'list']);
    expect(list.stdout).toContain('gateway batch DE UCI kid UNKNOWN_KID');
    expect(list.stdout).toContain(`until ${future}`);

    // Signing the policy again keeps them (the data dir is their source, not the policy file).
    expect((await cli(['bundle', 'sign', POLICY])).code).toBe(0);
    expect(published().dccRevocations?.uci).toContain(hash16(uci));
  });

  it('a malformed batch refuses the whole file: nothing imported', async () => {
    const stored = readFileSync(dccRevocationsPath(dataDir), 'utf8');
    const version = published().version;
    const file = join(root, 'bad.json');
    for (const bad of [
      [batch('UCI', [hash16('ok')]), batch('UCI', ['not-a-hash'])],
      batch('MD5', [hash16('ok')]),
      batch('UCI', []),
      { ...batch('UCI', [hash16('ok')]), expires: 'tomorrow' },
    ]) {
      writeFileSync(file, JSON.stringify(bad));
      const run = await cli(['dcc', 'import', file]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/bad\.json: batch \d/);
    }
    writeFileSync(file, '{"country": ');
    expect((await cli(['dcc', 'import', file])).stderr).toContain('not JSON');
    expect(readFileSync(dccRevocationsPath(dataDir), 'utf8')).toBe(stored);
    expect(published().version).toBe(version);
  });
});

describe('bundleRevocationsOf', () => {
  it('carries only entries in force, each list sorted and without duplicates; none at all, no lists', () => {
    const at = 2_000_000_000;
    const e = (list: 'uci' | 'signature', hash: string, until?: number) => ({
      list,
      hash: hash16(hash),
      addedAt: at - 10,
      source: 'cli',
      ...(until === undefined ? {} : { until }),
    });
    expect(
      bundleRevocationsOf([e('uci', 'b'), e('uci', 'a', at + 1), e('uci', 'b'), e('signature', 'c', at)], at),
    ).toEqual({ uci: [hash16('b'), hash16('a')].sort() });
    expect(bundleRevocationsOf([e('signature', 'c', at - 1)], at)).toEqual({});
  });
});
