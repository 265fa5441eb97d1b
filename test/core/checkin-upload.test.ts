/** What a check-in upload carries (core checkin-upload.ts) and the door's cap on people per check-in. */
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { checkAdmission } from '../../src/core/admission';
import { toBase64Url, utf8 } from '../../src/core/bytes';
import {
  CHECKIN_PROOF_PATTERN,
  checkInProofOf,
  MAX_CHECKIN_PEOPLE,
  PER_VISIT_UPLOAD_MAX,
  planUploadRequests,
  UPLOAD_SPREAD_MS,
  uploadPauseMs,
} from '../../src/core/checkin-upload';
import { en } from '../../src/ui/i18n/en';
import { id as idText } from '../../src/ui/i18n/id';

const id = 'a'.repeat(32);

describe('check-in proof', () => {
  it('is base64url SHA-256 of the domain, the id and the venue QR digits', () => {
    const expected = toBase64Url(sha256(utf8(`singgah/v1/checkin-proof\n${id}\n0123456789`)));
    expect(checkInProofOf(id, '0123456789')).toBe(expected);
    expect(checkInProofOf(id, '0123456789')).toMatch(CHECKIN_PROOF_PATTERN);
    // The vector in docs/FORMATS.md.
    expect(checkInProofOf(id, '0123456789')).toBe('9PCYrsZ7yN-nEFjiEeZGtUnDxCW-NWW-vIRnJSCD1X4');
  });

  it('has a pattern the server checks whole: nothing before or after the 43 characters', () => {
    const proof = checkInProofOf(id, '0123456789');
    expect(CHECKIN_PROOF_PATTERN.test(`${proof}A`)).toBe(false);
    expect(CHECKIN_PROOF_PATTERN.test(`A${proof}`)).toBe(false);
    expect(CHECKIN_PROOF_PATTERN.test(`${proof.slice(1)}=`)).toBe(false);
  });

  it('changes with the check-in id and with the venue code', () => {
    const base = checkInProofOf(id, '0123456789');
    expect(checkInProofOf('b'.repeat(32), '0123456789')).not.toBe(base);
    expect(checkInProofOf(id, '0123456780')).not.toBe(base);
    // The separator keeps id and code apart: moving a digit across it is another message.
    expect(checkInProofOf(`${id}0`, '123456789')).not.toBe(base);
  });
});

describe('people per check-in', () => {
  const people = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `p${i}`, outcome: 'ALLOWED' as const }));

  it(`admits up to ${MAX_CHECKIN_PEOPLE} together and refuses more with CHECKIN_TOO_MANY_PEOPLE`, () => {
    expect(checkAdmission(people(MAX_CHECKIN_PEOPLE)).ok).toBe(true);
    const refused = checkAdmission(people(MAX_CHECKIN_PEOPLE + 1));
    expect(refused).toEqual({ ok: false, error: { code: 'CHECKIN_TOO_MANY_PEOPLE', detail: '11' } });
  });
});

describe('spreading uploads', () => {
  const entry = (visit: string, op: string) => ({ visit, op });

  it('a small outbox: one request per visit, a check-out with its check-in, visits in order', () => {
    const entries = [entry('a', 'in'), entry('b', 'in'), entry('a', 'out'), entry('c', 'in'), entry('b', 'out')];
    expect(planUploadRequests(entries, (e) => e.visit)).toEqual([
      [entry('a', 'in'), entry('a', 'out')],
      [entry('b', 'in'), entry('b', 'out')],
      [entry('c', 'in')],
    ]);
    expect(planUploadRequests([], (e: { visit: string }) => e.visit)).toEqual([]);
  });

  it(`more than ${PER_VISIT_UPLOAD_MAX} entries: one request for all of them`, () => {
    const entries = Array.from({ length: PER_VISIT_UPLOAD_MAX + 1 }, (_, i) => entry(String(i), 'in'));
    expect(planUploadRequests(entries, (e) => e.visit)).toEqual([entries]);
    const fits = entries.slice(0, PER_VISIT_UPLOAD_MAX);
    expect(planUploadRequests(fits, (e) => e.visit)).toHaveLength(PER_VISIT_UPLOAD_MAX);
  });

  it('pauses a whole number of milliseconds in [0, max), whatever the draw', () => {
    expect(uploadPauseMs(0)).toBe(0);
    expect(uploadPauseMs(0.5)).toBe(UPLOAD_SPREAD_MS / 2);
    expect(uploadPauseMs(0.999_999_9)).toBe(UPLOAD_SPREAD_MS - 1);
    expect(uploadPauseMs(0.5, 0)).toBe(0);
    expect(uploadPauseMs(-1)).toBe(0);
    expect(uploadPauseMs(2)).toBe(UPLOAD_SPREAD_MS - 1);
  });
});

describe('the refusal people read at the door', () => {
  it('states the cap the code enforces, in both languages', () => {
    expect(en.error.CHECKIN_TOO_MANY_PEOPLE).toContain(` ${MAX_CHECKIN_PEOPLE} `);
    expect(idText.error.CHECKIN_TOO_MANY_PEOPLE).toContain(` ${MAX_CHECKIN_PEOPLE} `);
  });
});
