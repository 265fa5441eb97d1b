/**
 * The 22 EU test certificates (test/vectors/eu-dcc, from the EU's dgc-testdata): every expectation flag
 * each one carries is met, step by step, by the same code the app runs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../src/core/bytes';
import { factOf, fromBase45, inspectDcc } from '../../../src/core/dcc';
import { decodeCbor } from '../../../src/core/dcc/cbor';
import { inflateZlib } from '../../../src/core/dcc/inflate';
import { parseDccPayload } from '../../../src/core/dcc/schema';
import { signerFromCertificate } from '../../support/dcc-signers';
import { decodePng } from '../../support/pass-qr';

const ROOT = join(import.meta.dirname, '../../vectors/eu-dcc');

interface Sample {
  PREFIX: string;
  BASE45?: string;
  COMPRESSED?: string;
  COSE?: string;
  CBOR?: string;
  JSON?: unknown;
  '2DCODE'?: string;
  TESTCTX: { CERTIFICATE: string; VALIDATIONCLOCK: string; DESCRIPTION?: string };
  EXPECTEDRESULTS: Record<string, boolean>;
}

const samples = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) =>
    readdirSync(join(ROOT, d.name))
      .filter((f) => f.endsWith('.json'))
      .map((f) => ({
        name: `${d.name}/${f}`,
        sample: JSON.parse(readFileSync(join(ROOT, d.name, f), 'utf8')) as Sample,
      })),
  );

/** Each flag the samples use → the inspection's check(s) and the step output it must match. */
const FLAGS = [
  'EXPECTEDUNPREFIX',
  'EXPECTEDB45DECODE',
  'EXPECTEDCOMPRESSION',
  'EXPECTEDDECODE',
  'EXPECTEDVERIFY',
  'EXPECTEDKEYUSAGE',
  'EXPECTEDEXPIRATIONCHECK',
  'EXPECTEDSCHEMAVALIDATION',
  'EXPECTEDVALIDJSON',
  'EXPECTEDPICTUREDECODE',
  'EXPECTEDVALIDOBJECT',
];

describe('EU dgc-testdata samples', () => {
  it('are all here (22, five countries) and use only known flags', () => {
    expect(samples).toHaveLength(22);
    expect(new Set(samples.map((s) => s.name.slice(0, 2)))).toEqual(new Set(['AT', 'DE', 'IE', 'SE', 'SG']));
    for (const { sample } of samples)
      for (const flag of Object.keys(sample.EXPECTEDRESULTS)) expect(FLAGS).toContain(flag);
  });

  it.each(samples)('$name meets every expectation it states', ({ sample }) => {
    const exp = sample.EXPECTEDRESULTS;
    const at = Math.floor(Date.parse(sample.TESTCTX.VALIDATIONCLOCK) / 1000);
    const signer = signerFromCertificate(sample.TESTCTX.CERTIFICATE);
    const r = inspectDcc(sample.PREFIX, { at, signers: [signer] });
    const body = sample.PREFIX.slice(4);
    let met = 0;
    const check = (flag: string, actual: boolean) => {
      if (exp[flag] === undefined) return;
      expect(actual, flag).toBe(exp[flag]);
      met++;
    };
    check('EXPECTEDUNPREFIX', r.checks.prefix === true && (sample.BASE45 === undefined || body === sample.BASE45));
    const b45 = fromBase45(body);
    check('EXPECTEDB45DECODE', r.checks.base45 === true && b45 !== undefined && toHex(b45) === sample.COMPRESSED);
    const inflated = b45 && inflateZlib(b45);
    check(
      'EXPECTEDCOMPRESSION',
      r.checks.decompress === true && inflated?.kind === 'inflated' && toHex(inflated.bytes) === sample.COSE,
    );
    check('EXPECTEDDECODE', r.checks.cose === true && r.checks.cbor === true && deepEqual(r.payload, sample.JSON));
    check('EXPECTEDVERIFY', r.checks.signature === true);
    check('EXPECTEDKEYUSAGE', r.checks.keyUsage === true);
    check('EXPECTEDEXPIRATIONCHECK', r.checks.time === true);
    check('EXPECTEDSCHEMAVALIDATION', r.checks.schema === true);
    // The CBOR field is the CWT payload: it decodes to the same DCC the whole chain gives.
    const cbor = sample.CBOR === undefined ? undefined : decodeCbor(Buffer.from(sample.CBOR, 'hex'));
    check('EXPECTEDVALIDJSON', cbor?.ok === true && deepEqual(r.payload, sample.JSON));
    // The PNG, read by the decoder Singgah's scanner runs (src/scan/zxing-decode.ts).
    if (exp.EXPECTEDPICTUREDECODE !== undefined && sample['2DCODE'] !== undefined)
      check('EXPECTEDPICTUREDECODE', decodePng(Buffer.from(sample['2DCODE'], 'base64')) === sample.PREFIX);
    expect(met).toBeGreaterThan(5);
    // The samples that claim a valid object are valid end to end, with the signer that signed them.
    if (exp.EXPECTEDVALIDOBJECT && exp.EXPECTEDEXPIRATIONCHECK !== false && r.checks.time) {
      expect(r.valid).toBe(true);
      expect(r.signer).toEqual(signer);
    }
  });
});

const products = Object.keys(
  JSON.parse(readFileSync(join(ROOT, '../eu-dcc-valuesets/vaccine-medicinal-product.json'), 'utf8')).valueSetValues,
);

it('every sample maps to a fact, except the tests whose type is not a value-set code', () => {
  const kinds = new Set<string>();
  const none: string[] = [];
  for (const { name, sample } of samples) {
    const parsed = parseDccPayload(sample.JSON);
    expect(parsed.ok, name).toBe(true);
    const fact = parsed.ok ? factOf(parsed.value) : null;
    if (fact?.kind === 'vaccination') expect(products, name).toContain(fact.product);
    if (fact) kinds.add(fact.kind);
    else none.push(name);
  }
  expect(kinds).toEqual(new Set(['vaccination', 'test', 'recovery']));
  // IE's early test certificates say `"tt": "COVID-19 test"`: no code, so no fact — never a guess.
  expect(none).toEqual(['IE/2.json', 'IE/3.json']);
});

function deepEqual(a: unknown, b: unknown): boolean {
  try {
    expect(a).toStrictEqual(b);
    return true;
  } catch {
    return false;
  }
}
