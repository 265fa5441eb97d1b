/**
 * The phone's case upload (src/sync/case-upload.ts): which visits it offers and chooses (the newest 100 within 14
 * days and the retention), and what it sends — sealed to the bundle's caseKey, opened here with the office's
 * secret key to prove it; nothing readable on the wire; no key, no upload.
 */
import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import type { BundlePayload } from '../../src/core/bundle';
import { toBase64Url } from '../../src/core/bytes';
import { openCase } from '../../src/core/case-seal';
import type { CheckInRecord } from '../../src/store';
import { defaultCaseChoice, MAX_CASE_VISITS, recentVisits, uploadCase } from '../../src/sync/case-upload';

const NOW = 1_795_420_800;
const HOUR = 3600;
const DAY = 86_400;

const visitAt = (i: number, checkedInAt: number): CheckInRecord =>
  ({
    id: i.toString(16).padStart(32, '0'),
    venueId: `V${i}`,
    venueName: `Venue ${i}`,
    venueCode: '1',
    people: [],
    checkedInAt,
    autoCheckOutAt: checkedInAt + HOUR,
  }) as unknown as CheckInRecord;

const office = nacl.box.keyPair();
const bundle = { caseKey: { kid: 'ab12', publicKey: toBase64Url(office.publicKey) } } as unknown as BundlePayload;

describe('which visits are offered and chosen', () => {
  it('the last 14 days, inside the retention with an hour to spare, newest first', () => {
    const visits = [NOW - 15 * DAY, NOW - 13 * DAY, NOW - 10 * DAY + 1800, NOW - 2 * HOUR, NOW + 60].map((t, i) =>
      visitAt(i, t),
    );
    expect(recentVisits(visits, NOW, 21).map((c) => c.venueId)).toEqual(['V3', 'V2', 'V1']);
    // A 10-day retention: a visit begun 10 days ago (less half an hour) is about to be deleted, and review would
    // refuse it as older than the retention.
    expect(recentVisits(visits, NOW, 10).map((c) => c.venueId)).toEqual(['V3']);
  });

  it(`chooses the newest ${MAX_CASE_VISITS} of more`, () => {
    const visits = recentVisits(
      Array.from({ length: 130 }, (_, i) => visitAt(i, NOW - (i + 1) * 2 * HOUR)),
      NOW,
      21,
    );
    const chosen = defaultCaseChoice(visits);
    expect(chosen.size).toBe(MAX_CASE_VISITS);
    expect(visits.filter((c) => chosen.has(c.id)).map((c) => c.venueId)).toEqual(
      Array.from({ length: MAX_CASE_VISITS }, (_, i) => `V${i}`),
    );
  });
});

describe('uploadCase', () => {
  const visits = [{ venueId: 'DKT0KTA1', from: NOW - 2 * HOUR, to: NOW - HOUR }];

  it('sends the code and a sealed report only the office can open; 202 is "sent"', async () => {
    let sent = '';
    const fetch = (async (_url: string, init: RequestInit) => {
      sent = String(init.body);
      return new Response('{"received":true}', { status: 202 });
    }) as typeof globalThis.fetch;
    const outcome = await uploadCase({ code: '7K3QM9TX2HRW', visits, bundle, fetch });
    expect(outcome).toEqual({ kind: 'sent', visits: 1 });
    expect(sent).not.toContain('DKT0KTA1');
    expect(sent).not.toContain(String(NOW - HOUR));
    const body = JSON.parse(sent) as { code: string; sealed: unknown };
    expect(Object.keys(body).sort()).toEqual(['code', 'sealed']);
    expect(openCase(body.sealed, office.secretKey)).toEqual({ ok: true, value: { code: '7K3QM9TX2HRW', visits } });
  });

  it('refuses before sending: no case key in the bundle, more than 100 visits', async () => {
    const fetch = (async () => {
      throw new Error('nothing may be sent');
    }) as typeof globalThis.fetch;
    expect(await uploadCase({ code: '7K3QM9TX2HRW', visits, bundle: undefined, fetch })).toEqual({
      kind: 'refused',
      code: 'CASE_KEY_MISSING',
    });
    const many = Array.from({ length: MAX_CASE_VISITS + 1 }, () => visits[0]);
    expect(await uploadCase({ code: '7K3QM9TX2HRW', visits: many, bundle, fetch })).toEqual({
      kind: 'refused',
      code: 'CASE_TOO_MANY_VISITS',
    });
  });

  it("passes the server's refusal code on", async () => {
    const fetch = (async () =>
      new Response('{"error":{"code":"CASE_KEY_UNKNOWN","message":"…"}}', {
        status: 400,
      })) as unknown as typeof globalThis.fetch;
    expect(await uploadCase({ code: '7K3QM9TX2HRW', visits, bundle, fetch })).toEqual({
      kind: 'refused',
      code: 'CASE_KEY_UNKNOWN',
    });
  });
});
