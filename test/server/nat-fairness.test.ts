/**
 * Abuse control behind carrier NAT (docs/SECURITY.md rows 84–86): phones sharing one address, each uploading
 * one visit per request at its own venue, are all served, while one flooder at that address hammering one
 * venue's poster is refused with 429 and Retry-After, logged once. All requests come through `app.fetch`, so
 * they share one address; the limiter's clock is frozen, so nothing refills during the test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app';
import { type Db, openDb } from '../../server/db';
import { migrate } from '../../server/migrations';
import { ADDRESS_SHARE } from '../../server/rate-limit';
import { checkInProofOf } from '../../src/core/checkin-upload';

const ORIGIN = 'http://127.0.0.1:41237';
const NOW = Math.floor(Date.now() / 1000);
const LIMIT = { perSecond: 1, burst: 3 };
/** More phones than one key's burst, fewer than the address's: today's per-address limit would refuse most. */
const PHONES = 40;
const VENUES = 20;

let root: string;
let db: Db;
const venues: { id: string; code: string }[] = [];
const venueAt = (i: number) => {
  const venue = venues[i];
  if (!venue) throw new Error(`no venue ${i}`);
  return venue;
};

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'singgah-nat-'));
  db = await openDb({ dataDir: join(root, 'data') });
  await migrate(db);
  for (let v = 0; v < VENUES; v++) {
    const venue = { id: `nat-venue-${v}`, code: `${9000 + v}${'7'.repeat(40)}` };
    venues.push(venue);
    await db.query(
      `insert into venues (id, name, address, category, region, capacity, stay_minutes, code, short_code_body)
       values ($1, $1, 'Jl. Test', 'shop', '31', 100, 60, $2, $3)`,
      [venue.id, venue.code, `NAT${String(v).padStart(6, '0')}`],
    );
  }
}, 60_000);

afterAll(async () => {
  await db?.close();
  rmSync(root, { recursive: true, force: true });
});

const hexId = (prefix: number, n: number) =>
  `${prefix.toString(16).padStart(8, '0')}${n.toString(16).padStart(24, '0')}`;

/** One visit as a phone uploads it: its check-in and check-out in one request. */
function visit(id: string, venue: { id: string; code: string }) {
  return {
    items: [
      {
        id,
        op: 'checkin',
        venueId: venue.id,
        at: NOW - 3600,
        autoCheckOutAt: NOW - 1800,
        people: 1,
        proof: checkInProofOf(id, venue.code),
      },
      { id, op: 'checkout', at: NOW - 2400 },
    ],
  };
}

describe('rate limit behind carrier NAT', () => {
  it('serves every phone at one address, and refuses the flooder at the same address', async () => {
    const lines: { msg: string; budget?: string; route?: string; suppressed?: number }[] = [];
    const app = createApp({
      db,
      dataDir: join(root, 'data'),
      distDir: join(root, 'dist'),
      demo: false,
      logger: pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) }),
      now: () => NOW,
      rateLimit: LIMIT,
      limitClock: () => 0,
    });
    const post = (body: unknown) =>
      app.fetch(
        new Request(`${ORIGIN}/v1/checkins`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        }),
      );

    // The premise: the phones fit the address's budget, not one key's.
    expect(PHONES).toBeGreaterThan(LIMIT.burst);
    expect(PHONES).toBeLessThan(LIMIT.burst * ADDRESS_SHARE);
    const phoneStatuses: number[] = [];
    const flooder: Response[] = [];
    for (let p = 0; p < PHONES; p++) {
      // The flooder sends five requests between every two phones, all for the one venue whose poster it has.
      for (let f = 0; f < 5; f++) flooder.push(await post(visit(hexId(0xf100d, p * 5 + f), venueAt(0))));
      const res = await post(visit(hexId(0x0b0e, p), venueAt(1 + (p % (VENUES - 1)))));
      phoneStatuses.push(res.status);
    }
    expect(phoneStatuses).toEqual(Array(PHONES).fill(200));
    // The flooder got its venue's burst and nothing more: 3 of 200.
    const flooderAdmitted = flooder.filter((r) => r.status === 200).length;
    expect(flooderAdmitted).toBe(LIMIT.burst);
    const refused = flooder.find((r) => r.status === 429);
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused?.json()).toEqual({ error: { code: 'RATE_LIMITED', message: expect.any(String) } });
    // One log line for all its refusals, naming the budget, never the venue or the address.
    const limited = lines.filter((l) => l.msg === 'rate limited');
    expect(limited).toEqual([expect.objectContaining({ route: '/v1/checkins', budget: 'key', suppressed: 0 })]);
    expect(JSON.stringify(limited)).not.toContain(venueAt(0).id);
    const [{ n }] = await db.query<{ n: string | number }>(
      "select count(*) as n from checkin_events where op = 'checkin' and venue_id <> $1",
      [venueAt(0).id],
    );
    expect(Number(n)).toBe(PHONES);
  });

  it('invented venues buy no keys: they share one small budget, and the address stays bounded', async () => {
    const app = createApp({
      db,
      dataDir: join(root, 'data'),
      distDir: join(root, 'dist'),
      demo: false,
      logger: pino({ level: 'silent' }),
      now: () => NOW,
      rateLimit: LIMIT,
      limitClock: () => 0,
    });
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const fake = { id: `no-such-venue-${i}`, code: '1234' };
      const res = await app.fetch(
        new Request(`${ORIGIN}/v1/checkins`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(visit(hexId(0xbad, i), fake)),
        }),
      );
      statuses.push(res.status);
    }
    // Each invented venue costs one look-up (that budget is LOOKUP_SHARE keys' worth) and then lands on the
    // shared unproven key: its burst of 3, then 429.
    expect(statuses.filter((s) => s === 200)).toHaveLength(LIMIT.burst);
    expect(statuses.slice(LIMIT.burst).every((s) => s === 429)).toBe(true);
  });
});
