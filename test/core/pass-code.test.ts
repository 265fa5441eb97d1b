/** Pass QR v1: every certificate of one person in one QR, parts when they do not fit, and what the guard may see. */
import { describe, expect, it } from 'vitest';
import { type Certificate, decodeCertificate, type SignedCertificate } from '../../src/core/certificate';
import {
  collectPass,
  decodePass,
  encodePass,
  MAX_PASS_CERTIFICATES,
  MAX_PASS_PARTS,
  type PassPart,
  passVerdict,
} from '../../src/core/pass-code';
import { parseScanned, passLink, qrText } from '../../src/core/qr-link';
import { DAY, HOUR, NOW, pcr, signCertificate, vaccination } from '../support/authority';

const date = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);
const sign = (c: Certificate): SignedCertificate => {
  const d = decodeCertificate(signCertificate(c));
  if (!d.ok) throw new Error(d.error.code);
  return d.value;
};
const vac = sign(vaccination(2, 2, date(NOW - 60 * DAY)));
const test = sign(pcr('neg', NOW - 3 * HOUR));
const codes = [vac.code, test.code];

const parts = (list: readonly string[], max?: number): string[] => {
  const r = encodePass(list, max);
  if (!r.ok) throw new Error(r.error.code);
  return r.value;
};
const part = (digits: string): PassPart => {
  const r = decodePass(digits);
  if (!r.ok) throw new Error(r.error.code);
  return r.value;
};

describe('encodePass / decodePass', () => {
  it('puts two certificates in one part, read back byte for byte and in order', () => {
    const [one, ...rest] = parts(codes);
    expect(rest).toEqual([]);
    expect(one.startsWith('111')).toBe(true);
    const p = part(one);
    expect(p).toMatchObject({ index: 1, total: 1 });
    expect(p.certificates.map((c) => c.code)).toEqual(codes);
    // Through the link the guard's camera reads, QR text form included.
    const scanned = parseScanned(qrText(passLink('https://singgah.example', one)));
    expect(scanned.ok && scanned.value.kind).toBe('pass');
  });

  it('splits into numbered parts when the certificates do not fit, a big one alone in its part', () => {
    const split = parts(codes, vac.code.length + 10);
    expect(split.map((d) => d.slice(0, 3))).toEqual(['112', '122']);
    expect(split.map((d) => part(d).certificates[0].code)).toEqual(codes);
    // A code longer than the cap still goes, alone.
    expect(parts([vac.code], 50).map((d) => part(d).certificates.length)).toEqual([1]);
  });

  it('caps parts and certificates', () => {
    expect(parts(Array(MAX_PASS_CERTIFICATES + 1).fill(test.code), 100_000)).toHaveLength(2);
    expect(parts(Array(MAX_PASS_PARTS).fill(test.code), 10)).toHaveLength(MAX_PASS_PARTS);
    const tooMany = encodePass(Array(MAX_PASS_PARTS + 1).fill(test.code), 10);
    expect(!tooMany.ok && tooMany.error.code).toBe('INPUT_TOO_LARGE');
    // A code's length must fit its four length digits.
    const tooLong = encodePass(['1'.repeat(10_000)]);
    expect(!tooLong.ok && tooLong.error.code).toBe('ENCODING_INVALID');
    const inOne = `111${`${String(test.code.length).padStart(4, '0')}${test.code}`.repeat(MAX_PASS_CERTIFICATES + 1)}`;
    const r = decodePass(inOne);
    expect(!r.ok && r.error.code).toMatch(/INPUT_TOO_LARGE/);
    expect(encodePass([]).ok).toBe(false);
  });

  it('rejects bad digits: version, part numbers, lengths, trailing bytes, a bad inner code, two people', () => {
    const [good] = parts(codes);
    const code = (d: string) => {
      const r = decodePass(d);
      return r.ok ? 'ok' : r.error.code;
    };
    expect(code(`2${good.slice(1)}`)).toBe('FORMAT_VERSION_UNSUPPORTED');
    expect(code(`1${'21'}${good.slice(3)}`)).toBe('PAYLOAD_OUT_OF_RANGE');
    expect(code(`1${'01'}${good.slice(3)}`)).toBe('PAYLOAD_OUT_OF_RANGE');
    expect(code('111')).toBe('ENCODING_INVALID');
    expect(code(`${good}7`)).toBe('ENCODING_INVALID');
    expect(code(good.slice(0, -1))).toBe('ENCODING_INVALID');
    expect(code(`111${'0000'}`)).toBe('ENCODING_INVALID');
    expect(code('11a')).toBe('ENCODING_INVALID');
    expect(code(`a${good.slice(1)}`)).toBe('ENCODING_INVALID');
    const broken = `${good.slice(0, 10)}${good[10] === '1' ? '2' : '1'}${good.slice(11)}`;
    expect(code(broken)).not.toBe('ok');
    const other = sign({
      ...vaccination(2, 2, date(NOW - 60 * DAY)),
      holder: { name: 'Siti', birthDate: '1990-08-17', region: '3374' },
    });
    expect(code(parts([vac.code, other.code])[0])).toBe('PASS_MIXED_HOLDERS');
    expect(code('1'.repeat(5000))).toBe('INPUT_TOO_LARGE');
    expect(code('1'.repeat(4096))).not.toBe('INPUT_TOO_LARGE');
  });
});

describe('collectPass / passVerdict', () => {
  const [p1, p2] = parts(codes, vac.code.length + 10).map(part);
  const denied = { outcome: 'DENIED' as const, status: 'green' };

  it('waits for every part: "scan the next code" while one is missing, never a refusal', () => {
    const first = collectPass(undefined, { part: p1 });
    expect(first).toMatchObject({ missing: 1, parts: [1], total: 2, bare: false });
    expect(passVerdict(first, denied)).toBe('scan-next');
    // The same part again changes nothing; the other part completes it.
    expect(collectPass(first, { part: p1 }).missing).toBe(1);
    const both = collectPass(first, { part: p2 });
    expect(both.missing).toBe(0);
    expect(both.certificates.map((c) => c.code)).toEqual(codes);
    expect(passVerdict(both, denied)).toBe('final');
  });

  it('a bare certificate never gives a final refusal unless the person is black', () => {
    const bare = collectPass(undefined, { certificate: vac });
    expect(passVerdict(bare, denied)).toBe('scan-pass');
    expect(passVerdict(bare, { outcome: 'ALLOWED', status: 'green' })).toBe('final');
    expect(passVerdict(bare, { outcome: 'DENIED', status: 'black' })).toBe('final');
    // Another certificate of the same person joins; someone else starts afresh.
    expect(collectPass(bare, { certificate: test }).certificates).toHaveLength(2);
    const other = sign({
      ...pcr('neg', NOW - HOUR),
      holder: { name: 'Siti', birthDate: '1990-08-17', region: '3374' },
    });
    expect(collectPass(bare, { certificate: other }).certificates).toEqual([other]);
  });

  it('joins only what may be the same pass: a part of another total starts afresh, a bare certificate joins either way', () => {
    const first = collectPass(undefined, { part: p1 });
    // The same part again replaces its certificates rather than adding them twice.
    expect(collectPass(first, { part: p1 }).certificates).toEqual(first.certificates);
    const onePart = part(parts(codes)[0]);
    const second = collectPass(undefined, { part: p2 });
    expect(collectPass(second, { part: onePart })).toMatchObject({ parts: [1], total: 1, missing: 0 });
    // A bare certificate first (no total), then a part; and a part first, then a bare certificate: one person.
    // Parts may come in any order; they are listed in order.
    expect(collectPass(second, { part: p1 })).toMatchObject({ parts: [1, 2], missing: 0 });
    const bare = collectPass(undefined, { certificate: test });
    expect(bare).toMatchObject({ parts: [], missing: 0, bare: true });
    expect(collectPass(bare, { part: p1 })).toMatchObject({ parts: [1], total: 2, bare: true });
    expect(collectPass(first, { certificate: test })).toMatchObject({ parts: [1], total: 2, bare: true });
  });

  it('a one-part pass is complete at once', () => {
    const one = collectPass(undefined, { part: part(parts(codes)[0]) });
    expect(one).toMatchObject({ missing: 0, total: 1, bare: false });
    expect(passVerdict(one, denied)).toBe('final');
  });
});
