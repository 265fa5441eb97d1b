/**
 * A case upload may only claim what a phone can have recorded: each visit no longer than the longest stay the
 * signed policy allows at that venue, none older than the policy's retention, and a bounded number per code.
 * Any visit past those → 400 and the code is not used up (docs/FORMATS.md "POST /v1/cases").
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app';
import { readPublishedBundle } from '../../server/authority';
import { createCaseCode } from '../../server/case-codes';
import { MAX_CASE_VISITS } from '../../server/case-limits';
import { type Db, openDb } from '../../server/db';
import { claimDemoDir, demoInit } from '../../server/demo';
import { migrate } from '../../server/migrations';
import { maxStayMinutes } from '../../src/core/stay';

const NOW = Math.floor(Date.now() / 1000);
const HOUR = 3600;
const DAY = 86_400;
const ORIGIN = 'http://127.0.0.1:41236';

let root: string;
let dataDir: string;
let db: Db;
let app: ReturnType<typeof createApp>;
/** Each demo venue with the longest stay the published policy allows there, in seconds. */
let venues: { id: string; maxStaySeconds: number }[];
let retentionDays: number;

const post = (body: unknown) =>
  app.fetch(
    new Request(`${ORIGIN}/v1/cases`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
const errorCodeOf = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;
const countNotices = async () =>
  Number((await db.query<{ n: string | number }>('select count(*) as n from notices'))[0].n);

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'singgah-case-limits-'));
  dataDir = join(root, 'data');
  claimDemoDir(dataDir, NOW - 60);
  db = await openDb({ dataDir });
  await migrate(db);
  await demoInit(dataDir, db, NOW - 60, ORIGIN);
  const policy = readPublishedBundle(dataDir)?.payload.policy;
  if (!policy) throw new Error('demo-init published no bundle');
  retentionDays = policy.retentionDays;
  const rows = await db.query<{ id: string; stay_minutes: number }>('select id, stay_minutes from venues order by id');
  venues = rows.map((r) => ({
    id: r.id,
    maxStaySeconds: maxStayMinutes({ stayMinutes: r.stay_minutes }, policy) * 60,
  }));
  app = createApp({
    db,
    dataDir,
    distDir: join(root, 'dist'),
    demo: false,
    logger: pino({ level: 'silent' }),
    rateLimit: { perSecond: 0, burst: 0 },
  });
}, 120_000);

afterAll(async () => {
  await db?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('POST /v1/cases: only what a phone can have recorded', () => {
  it('refuses a visit longer than the policy allows at its venue (a 336-hour window), without using the code', async () => {
    const { code } = await createCaseCode(db, NOW, 24);
    const before = await countNotices();
    const venue = venues[0];
    for (const to of [NOW - HOUR, NOW - 14 * DAY + 336 * HOUR]) {
      const from = to === NOW - HOUR ? NOW - HOUR - venue.maxStaySeconds - 60 : NOW - 14 * DAY;
      const res = await post({ code, visits: [{ venueId: venue.id, from, to }] });
      expect(res.status).toBe(400);
      expect(await errorCodeOf(res)).toBe('PAYLOAD_OUT_OF_RANGE');
    }
    expect(await countNotices()).toBe(before);
    // Exactly the longest stay is what an honest phone sends after its automatic check-out: accepted.
    const ok = await post({
      code,
      visits: [{ venueId: venue.id, from: NOW - 2 * DAY, to: NOW - 2 * DAY + venue.maxStaySeconds }],
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ notices: 1 });
  });

  it('refuses a visit that began before the retention window (the phone has deleted it by then)', async () => {
    const { code } = await createCaseCode(db, NOW, 24);
    const from = NOW - retentionDays * DAY - HOUR;
    const res = await post({ code, visits: [{ venueId: venues[0].id, from, to: from + HOUR }] });
    expect(res.status).toBe(400);
    expect(await errorCodeOf(res)).toBe('TIME_TOO_OLD');
    const inside = NOW - retentionDays * DAY + HOUR;
    const ok = await post({ code, visits: [{ venueId: venues[0].id, from: inside, to: inside + HOUR }] });
    expect(ok.status).toBe(200);
  });

  it(`caps the visits, and so the notices, of one code at ${MAX_CASE_VISITS}`, async () => {
    expect(MAX_CASE_VISITS).toBe(100);
    const visit = (i: number) => {
      const from = NOW - 13 * DAY + i * 3 * HOUR;
      return { venueId: venues[i % venues.length].id, from, to: from + HOUR };
    };
    const { code } = await createCaseCode(db, NOW, 24);
    const over = await post({ code, visits: Array.from({ length: MAX_CASE_VISITS + 1 }, (_, i) => visit(i)) });
    expect(over.status).toBe(400);
    expect(await errorCodeOf(over)).toBe('BATCH_TOO_LARGE');
    const before = await countNotices();
    const ok = await post({ code, visits: Array.from({ length: MAX_CASE_VISITS }, (_, i) => visit(i)) });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ notices: MAX_CASE_VISITS });
    expect(await countNotices()).toBe(before + MAX_CASE_VISITS);
    // The code is single-use: no second batch of notices from it.
    const again = await post({ code, visits: [visit(0)] });
    expect(again.status).toBe(403);
    expect(await countNotices()).toBe(before + MAX_CASE_VISITS);
  });
});
