/** The spec's own published cards (test/vectors/shc): decoded, verified against the example issuer's key. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectShc, type ShcIssuer, verifyShc } from '../../../src/core/shc';

const dir = join(__dirname, '../../vectors/shc');
const read = (name: string) => readFileSync(join(dir, name), 'utf8').trim();
const key = (JSON.parse(read('issuer-jwks.json')) as { keys: { kid: string; x: string; y: string }[] }).keys[0];
const ISSUERS: ShcIssuer[] = [
  {
    iss: 'https://spec.smarthealth.cards/examples/issuer',
    name: 'SMART example issuer',
    keys: [{ kid: key.kid, x: key.x, y: key.y }],
  },
];
const AT = Date.parse('2026-01-01T00:00:00Z') / 1000;

describe('SMART Health Cards spec examples', () => {
  it('example 00 (JWS) verifies and gives two Moderna doses of John B. Anyperson', () => {
    const r = verifyShc({ jws: read('example-00-d-jws.txt') }, { at: AT, issuers: ISSUERS });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.holder).toEqual({ family: 'Anyperson', given: ['John', 'B.'], birthDate: '1951-01-20' });
    expect(r.value.facts).toEqual([
      { kind: 'vaccination', product: 'Moderna', dose: 1, doses: 2, date: '2021-01-01' },
      { kind: 'vaccination', product: 'Moderna', dose: 2, doses: 2, date: '2021-01-29' },
    ]);
    expect(r.value.immunizations[1]).toMatchObject({ lotNumber: '0000007', performer: 'ABC General Hospital' });
  });

  it('example 02 (three chunks) reassembles in any order and verifies', () => {
    const parts = [0, 1, 2].map((i) => read(`example-02-f-qr-code-numeric-value-${i}.txt`));
    for (const order of [parts, [parts[2], parts[0], parts[1]]]) {
      const r = inspectShc({ qr: order }, { at: AT, issuers: ISSUERS });
      expect(r.errors).toEqual([]);
      expect(r.valid).toBe(true);
      expect(r.checks).toEqual({
        prefix: true,
        numeric: true,
        jws: true,
        decompress: true,
        payload: true,
        signature: true,
        time: true,
      });
    }
  });

  it('example 02 with a part missing asks for it', () => {
    const parts = [0, 2].map((i) => read(`example-02-f-qr-code-numeric-value-${i}.txt`));
    const r = inspectShc({ qr: parts }, { at: AT, issuers: ISSUERS });
    expect(r.errors).toEqual(['SHC_CHUNK_MISSING']);
    expect(r.checks.numeric).toBe(false);
  });

  it('the DER-signed example 00 is refused, and its payload still shows', () => {
    const r = inspectShc({ jws: read('test-example-00-d-jws-der-signature.txt') }, { at: AT, issuers: ISSUERS });
    expect(r.valid).toBe(false);
    expect(r.errors).toContain('SHC_SIGNATURE_FORMAT');
    expect(r.checks.jws).toBe(false);
    expect(r.checks.payload).toBe(true);
  });

  it('without the issuer key, example 00 is from an unknown issuer', () => {
    const r = inspectShc({ jws: read('example-00-d-jws.txt') }, { at: AT, issuers: [] });
    expect(r.errors).toEqual(['SHC_ISSUER_UNKNOWN']);
  });
});
