/**
 * The sync API (docs/FORMATS.md "Sync API") against both databases: PGlite and a throwaway PostgreSQL cluster
 * (test/support/postgres.ts). Every bad request is a clear 4xx and the tables are checked afterwards: nothing
 * stored wrongly. Real keys, a real signed bundle and real venues (demo-init); the clock is a parameter.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app';
import { readPublishedBundle } from '../../server/authority';
import { createCaseCode, normaliseCaseCode } from '../../server/case-codes';
import { approveAll } from '../../server/case-review';
import { type Db, openDb } from '../../server/db';
import { claimDemoDir, demoInit } from '../../server/demo';
import { migrate } from '../../server/migrations';
import { publishManualNotice } from '../../server/notice-signing';
import type { RateLimit } from '../../server/rate-limit';
import { checkInProofOf } from '../../src/core/checkin-upload';
import { verifyNotice } from '../../src/core/notice';
import { dayOf, formatDay, NOTICES_PER_PART } from '../../src/core/notice-files';
import { type PostgresCluster, postgresSkipReason, startPostgres } from '../support/postgres';
import { sealedReport } from '../support/sealed-case';

const NOW = Math.floor(Date.now() / 1000);
const HOUR = 3600;
const DAY = 86_400;
const ORIGIN = 'http://127.0.0.1:41235';
const silent = pino({ level: 'silent' });
const OFF: RateLimit = { perSecond: 0, burst: 0 };

const pgSkip = postgresSkipReason();
if (pgSkip) console.warn(`\n*** sync-api: PostgreSQL part SKIPPED: ${pgSkip} ***\n`);

const hexId = (n: number) => n.toString(16).padStart(32, '0');

describe.each([
  { kind: 'pglite' as const, skip: undefined },
  { kind: 'postgres' as const, skip: pgSkip },
])('sync API on $kind', ({ kind, skip }) => {
  let root: string;
  let dataDir: string;
  let db: Db;
  let cluster: PostgresCluster | undefined;
  let clock = NOW;
  let app: ReturnType<typeof createApp>;
  let venues: string[];
  let codeOf: Map<string, string>;
  /** The proof a phone that scanned the venue's poster sends with check-in `id`. */
  const proof = (id: string, venueId: string) => checkInProofOf(id, codeOf.get(venueId) ?? '');

  const makeApp = (rateLimit: RateLimit = OFF) =>
    createApp({ db, dataDir, distDir: join(root, 'dist'), demo: false, logger: silent, now: () => clock, rateLimit });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}, target = app) =>
    target.fetch(
      new Request(`${ORIGIN}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body:
          typeof body === 'string'
            ? body
            : body instanceof Uint8Array
              ? new Blob([body as Uint8Array<ArrayBuffer>])
              : JSON.stringify(body),
      }),
    );
  const get = (path: string, headers: Record<string, string> = {}) =>
    app.fetch(new Request(`${ORIGIN}${path}`, { headers }));

  const countEvents = async () =>
    Number((await db.query<{ n: string | number }>('select count(*) as n from checkin_events'))[0].n);
  const countNotices = async () =>
    Number((await db.query<{ n: string | number }>('select count(*) as n from notices'))[0].n);

  const checkin = (id: string, over: Record<string, unknown> = {}) => {
    const venueId = typeof over.venueId === 'string' ? over.venueId : venues[0];
    return {
      id,
      op: 'checkin',
      venueId,
      at: clock - HOUR,
      autoCheckOutAt: clock + HOUR,
      people: 2,
      proof: proof(id, venueId),
      ...over,
    };
  };

  beforeAll(async () => {
    if (skip) return;
    root = mkdtempSync(join(tmpdir(), `singgah-sync-${kind}-`));
    dataDir = join(root, 'data');
    if (kind === 'postgres') cluster = await startPostgres({ settings: { fsync: 'off' } });
    claimDemoDir(dataDir, NOW - 60);
    db = await openDb({ dataDir, databaseUrl: cluster?.url });
    await migrate(db);
    await demoInit(dataDir, db, NOW - 60, ORIGIN);
    const rows = await db.query<{ id: string; code: string }>('select id, code from venues order by id');
    venues = rows.map((r) => r.id);
    codeOf = new Map(rows.map((r) => [r.id, r.code]));
    app = makeApp();
  });

  afterAll(async () => {
    await db?.close();
    await cluster?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  describe.skipIf(skip)('POST /v1/checkins', () => {
    it(`runs on ${kind}`, () => {
      expect(db.engine).toBe(kind);
    });

    it('stores a batch once: a retry is "duplicate" and adds no row; a check-out reuses its check-in id', async () => {
      const items = [checkin(hexId(1)), checkin(hexId(2), { people: 1 }), { id: hexId(1), op: 'checkout', at: clock }];
      const before = await countEvents();
      const first = await post('/v1/checkins', { items });
      expect(first.status).toBe(200);
      expect(await first.json()).toEqual({
        results: [
          { id: hexId(1), op: 'checkin', status: 'stored' },
          { id: hexId(2), op: 'checkin', status: 'stored' },
          { id: hexId(1), op: 'checkout', status: 'stored' },
        ],
      });
      expect(await countEvents()).toBe(before + 3);
      const retry = await post('/v1/checkins', { items });
      expect(((await retry.json()) as { results: { status: string }[] }).results.map((r) => r.status)).toEqual([
        'duplicate',
        'duplicate',
        'duplicate',
      ]);
      expect(await countEvents()).toBe(before + 3);
      const rows = await db.query<{ venue_id: string; people: number; at: string | number }>(
        `select venue_id, people, at from checkin_events where id = $1 and op = 'checkin'`,
        [hexId(1)],
      );
      expect(rows).toHaveLength(1);
      expect({ ...rows[0], at: Number(rows[0].at) }).toEqual({ venue_id: venues[0], people: 2, at: clock - HOUR });
    });

    it('a replayed id with different fields is rejected ITEM_CONFLICT and never overwrites', async () => {
      await post('/v1/checkins', { items: [checkin(hexId(10))] });
      const res = await post('/v1/checkins', { items: [checkin(hexId(10), { people: 5 })] });
      expect(await res.json()).toEqual({
        results: [{ id: hexId(10), op: 'checkin', status: 'rejected', code: 'ITEM_CONFLICT' }],
      });
      const rows = await db.query<{ people: number }>('select people from checkin_events where id = $1', [hexId(10)]);
      expect(rows).toEqual([{ people: 2 }]);
    });

    it('twice in one batch: the second is a duplicate (or a conflict when it differs)', async () => {
      const res = await post('/v1/checkins', {
        items: [checkin(hexId(11)), checkin(hexId(11)), checkin(hexId(11), { people: 3 })],
      });
      const { results } = (await res.json()) as { results: { status: string; code?: string }[] };
      expect(results.map((r) => r.code ?? r.status)).toEqual(['stored', 'duplicate', 'ITEM_CONFLICT']);
      expect(await db.query('select 1 from checkin_events where id = $1', [hexId(11)])).toHaveLength(1);
    });

    it('rejects bad items one by one with a code, stores the good ones, and nothing of the bad', async () => {
      const before = await countEvents();
      const items = [
        checkin(hexId(20), { extra: true }),
        checkin(hexId(21), { people: '2' }),
        checkin(hexId(22), { people: 21 }),
        checkin(hexId(23), { people: 0 }),
        checkin(hexId(24), { autoCheckOutAt: clock - HOUR }),
        checkin(hexId(25), { autoCheckOutAt: clock - HOUR + DAY + 1 }),
        checkin(hexId(26), { venueId: 'NOSUCHVENUE' }),
        checkin(hexId(27), { venueId: '../x' }),
        checkin(hexId(28), { at: clock + 301, autoCheckOutAt: clock + 2 * HOUR }),
        checkin(hexId(29), { at: clock - 31 * DAY, autoCheckOutAt: clock - 31 * DAY + HOUR }),
        checkin(hexId(30), { at: (clock - HOUR) * 1000 }),
        { id: hexId(31), op: 'checkout', at: clock, venueId: venues[0] },
        { id: hexId(32), op: 'checkout' },
        checkin(hexId(33)),
      ];
      const res = await post('/v1/checkins', { items });
      expect(res.status).toBe(200);
      const { results } = (await res.json()) as { results: { id: string; status: string; code?: string }[] };
      expect(results.map((r) => r.id)).toEqual(items.map((i) => i.id));
      expect(results.map((r) => r.code ?? r.status)).toEqual([
        'PAYLOAD_UNKNOWN_FIELD',
        'PAYLOAD_WRONG_TYPE',
        'CHECKIN_TOO_MANY_PEOPLE',
        'PAYLOAD_OUT_OF_RANGE',
        'PAYLOAD_OUT_OF_RANGE',
        'PAYLOAD_OUT_OF_RANGE',
        'VENUE_UNKNOWN',
        'PAYLOAD_INVALID',
        'TIME_IN_FUTURE',
        'TIME_TOO_OLD',
        'PAYLOAD_OUT_OF_RANGE',
        'PAYLOAD_UNKNOWN_FIELD',
        'PAYLOAD_WRONG_TYPE',
        'stored',
      ]);
      expect(await countEvents()).toBe(before + 1);
      expect(
        await db.query('select id from checkin_events where id = any($1::text[])', [items.map((i) => i.id)]),
      ).toEqual([{ id: hexId(33) }]);
    });

    it('refuses a check-out whose check-in the server does not know (CHECKOUT_UNKNOWN), storing nothing', async () => {
      const res = await post('/v1/checkins', { items: [{ id: hexId(40), op: 'checkout', at: clock }] });
      expect(((await res.json()) as { results: { code?: string }[] }).results[0].code).toBe('CHECKOUT_UNKNOWN');
      expect(await db.query('select op from checkin_events where id = $1', [hexId(40)])).toEqual([]);
    });

    it('request-level errors are a 4xx with a code, and store nothing', async () => {
      const before = await countEvents();
      const good = [checkin(hexId(50))];
      const cases: [Response, number, string][] = [
        [await post('/v1/checkins', '{"items": [', {}), 400, 'JSON_INVALID'],
        [await post('/v1/checkins', new Uint8Array([0x7b, 0xff, 0x7d])), 400, 'JSON_INVALID'],
        [await post('/v1/checkins', { items: good }, { 'Content-Type': 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
        [await post('/v1/checkins', { items: good, deviceId: 'x' }), 400, 'REQUEST_UNKNOWN_FIELD'],
        [await post('/v1/checkins', { items: { 0: good[0] } }), 400, 'REQUEST_WRONG_TYPE'],
        [await post('/v1/checkins', good), 400, 'REQUEST_WRONG_TYPE'],
        [await post('/v1/checkins', 'null'), 400, 'REQUEST_WRONG_TYPE'],
        [await post('/v1/checkins', {}), 400, 'REQUEST_WRONG_TYPE'],
        [
          await post('/v1/checkins', { items: Array.from({ length: 101 }, (_, i) => checkin(hexId(1000 + i))) }),
          400,
          'BATCH_TOO_LARGE',
        ],
        [await post('/v1/checkins', { items: [...good, checkin('ABC')] }), 400, 'ITEM_UNIDENTIFIABLE'],
        [await post('/v1/checkins', { items: [...good, { ...good[0], op: 'delete' }] }), 400, 'ITEM_UNIDENTIFIABLE'],
        [await post('/v1/checkins', { items: [...good, 'x'] }), 400, 'ITEM_UNIDENTIFIABLE'],
        [await post('/v1/checkins', { items: good, pad: 'x'.repeat(70_000) }), 413, 'BODY_TOO_LARGE'],
      ];
      for (const [res, status, code] of cases) {
        expect(res.status, code).toBe(status);
        expect(await res.json()).toEqual({ error: { code, message: expect.any(String) } });
      }
      expect(await countEvents()).toBe(before);
    });

    it('rate limits per client: 429 with Retry-After, then recovers', async () => {
      const limitedApp = makeApp({ perSecond: 1, burst: 2 });
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 3; i++) {
        const res = await post('/v1/checkins', { items: [] }, {}, limitedApp);
        statuses.push(res.status);
        if (res.status === 429) {
          retryAfter = res.headers.get('retry-after');
          expect(await res.json()).toEqual({ error: { code: 'RATE_LIMITED', message: expect.any(String) } });
        }
      }
      expect(statuses).toEqual([200, 200, 429]);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
      await new Promise((r) => setTimeout(r, 1100));
      expect((await post('/v1/checkins', { items: [] }, {}, limitedApp)).status).toBe(200);
    });
  });

  describe.skipIf(skip)('GET /v1/venues/:id/occupancy', () => {
    it('sums people of stays that cover now: check-out and auto check-out end a stay', async () => {
      const venue = venues[1];
      const base = (id: string) => ({
        id,
        op: 'checkin',
        venueId: venue,
        autoCheckOutAt: clock + HOUR,
        proof: proof(id, venue),
      });
      await post('/v1/checkins', {
        items: [
          { ...base(hexId(60)), at: clock - HOUR, people: 3 },
          { ...base(hexId(61)), at: clock - HOUR, people: 4 },
          { id: hexId(61), op: 'checkout', at: clock - 60 },
          { ...base(hexId(62)), at: clock - 2 * HOUR, autoCheckOutAt: clock - 1, people: 5 },
          { ...base(hexId(63)), at: clock - HOUR, people: 1 },
          { id: hexId(63), op: 'checkout', at: clock + 60 },
        ],
      });
      const res = await get(`/v1/venues/${venue}/occupancy`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const [{ capacity }] = await db.query<{ capacity: number }>('select capacity from venues where id = $1', [venue]);
      // Left: 4 checked out by hand, 5 checked out automatically.
      expect(await res.json()).toEqual({ venueId: venue, active: 4, left: 9, capacity, level: 'low', at: clock });
    });

    it('one open visit: a phone checking in elsewhere sends the check-out here, and the count drops at once', async () => {
      const [here, there] = [venues[3], venues[0]];
      const before = ((await (await get(`/v1/venues/${here}/occupancy`)).json()) as { active: number; left: number })
        .active;
      const family = {
        id: hexId(80),
        op: 'checkin',
        venueId: here,
        at: clock - HOUR,
        autoCheckOutAt: clock + HOUR,
        proof: proof(hexId(80), here),
      };
      await post('/v1/checkins', { items: [{ ...family, people: 3 }] });
      const read = async (venue: string) =>
        (await (await get(`/v1/venues/${venue}/occupancy`)).json()) as { active: number; left: number };
      expect((await read(here)).active).toBe(before + 3);
      // The phone moves on: its outbox holds the check-out here and the check-in there (one transaction).
      const res = await post('/v1/checkins', {
        items: [
          { id: hexId(80), op: 'checkout', at: clock - 60 },
          {
            id: hexId(81),
            op: 'checkin',
            venueId: there,
            at: clock - 60,
            autoCheckOutAt: clock + HOUR,
            people: 3,
            proof: proof(hexId(81), there),
          },
        ],
      });
      expect(res.status).toBe(200);
      const after = await read(here);
      expect(after.active).toBe(before);
      expect(after.left).toBeGreaterThanOrEqual(3);
      // Auto check-out: an hour later the visit there has ended too, without any check-out sent.
      clock += 2 * HOUR;
      try {
        expect((await read(there)).active).toBe(0);
        expect((await read(there)).left).toBeGreaterThanOrEqual(3);
      } finally {
        clock -= 2 * HOUR;
      }
    });

    it('levels: medium, high, full by active / capacity; null when capacity is 0; 404 for an unknown venue', async () => {
      const venue = venues[2];
      await post('/v1/checkins', { items: [checkin(hexId(70), { venueId: venue, people: 8 })] });
      const level = async (capacity: number) => {
        await db.query('update venues set capacity = $2 where id = $1', [venue, capacity]);
        return ((await (await get(`/v1/venues/${venue}/occupancy`)).json()) as { level: string | null }).level;
      };
      expect(await level(10)).toBe('high');
      expect(await level(12)).toBe('medium');
      expect(await level(17)).toBe('low');
      expect(await level(8)).toBe('full');
      expect(await level(0)).toBe(null);
      const missing = await get('/v1/venues/NOSUCH/occupancy');
      expect(missing.status).toBe(404);
      expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('VENUE_UNKNOWN');
    });
  });

  describe.skipIf(skip)('POST /v1/cases and GET /v1/notices', () => {
    const visit = (i: number) => ({ venueId: venues[i % venues.length], from: clock - 3 * HOUR, to: clock - 2 * HOUR });
    /** A phone's sealed report, then the officer's `case review --approve-all` (keys are in this data dir). */
    const report = async (code: string, visits: ReturnType<typeof visit>[]) => {
      const res = await post('/v1/cases', sealedReport(dataDir, code, visits));
      await approveAll(db, dataDir, clock);
      return res;
    };

    it('a case code carries one sealed report, once; reviewed, it becomes notices the feed serves and phones verify', async () => {
      const before = await countNotices();
      const { code } = await createCaseCode(db, clock, 24);
      const res = await report(code.toLowerCase(), [visit(0), visit(1)]);
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({ received: true });
      expect(await countNotices()).toBe(before + 2);

      const feed = (await (await get(`/v1/notices?after=${before}`)).json()) as {
        notices: { seq: number }[];
        next: number;
        more: boolean;
      };
      expect(feed.notices.map((n) => n.seq)).toEqual([before + 1, before + 2]);
      expect(feed.next).toBe(before + 2);
      expect(feed.more).toBe(false);
      const bundle = readPublishedBundle(dataDir);
      if (!bundle) throw new Error('no bundle');
      const verified = feed.notices.map((n) => verifyNotice(bundle.payload, n));
      expect(verified.map((r) => r.ok && r.value.venueId)).toEqual([venues[0], venues[1]]);

      const again = await report(code, [visit(2)]);
      expect(again.status).toBe(403);
      expect(((await again.json()) as { error: { code: string } }).error.code).toBe('CASE_CODE_USED');
      expect(await countNotices()).toBe(before + 2);
    });

    it('unknown, malformed and expired codes are 403 with their code; nothing is stored', async () => {
      const before = await countNotices();
      const { code } = await createCaseCode(db, clock, 1);
      clock += 2 * HOUR;
      try {
        for (const [c, expected] of [
          [code, 'CASE_CODE_EXPIRED'],
          ['0000-0000-0000', 'CASE_CODE_UNKNOWN'],
          ['not a code', 'CASE_CODE_UNKNOWN'],
        ]) {
          const res = await post('/v1/cases', sealedReport(dataDir, c, [visit(0)], code));
          expect(res.status, expected).toBe(403);
          expect(((await res.json()) as { error: { code: string } }).error.code).toBe(expected);
        }
      } finally {
        clock -= 2 * HOUR;
      }
      expect(await countNotices()).toBe(before);
      expect(await db.query('select 1 from case_uploads where sealed is not null')).toEqual([]);
    });

    it('a bad upload is 400 and does not use up the code', async () => {
      const { code } = await createCaseCode(db, clock, 24);
      const good = sealedReport(dataDir, code, [visit(0)]);
      const bad: [unknown, string][] = [
        [{ code, visits: [visit(0)] }, 'CASE_UPLOAD_NOT_SEALED'],
        [{ ...good, name: 'Budi' }, 'REQUEST_UNKNOWN_FIELD'],
        [{ ...good, sealed: 'all' }, 'REQUEST_WRONG_TYPE'],
        [{ ...good, code: 123456789012 }, 'REQUEST_WRONG_TYPE'],
        [{ ...good, sealed: { ...good.sealed, kid: 'ffff' } }, 'CASE_KEY_UNKNOWN'],
      ];
      for (const [body, expected] of bad) {
        const res = await post('/v1/cases', body);
        expect(res.status, expected).toBe(400);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe(expected);
      }
      expect((await post('/v1/cases', '{"code":')).status).toBe(400);
      const used = await db.query('select used_at from case_codes where used_at is not null');
      expect((await post('/v1/cases', good)).status).toBe(202);
      expect(await db.query('select used_at from case_codes where used_at is not null')).toHaveLength(used.length + 1);
      await approveAll(db, dataDir, clock);
    });

    it('one code used by two uploads at once: exactly one wins', async () => {
      const before = await countNotices();
      const { code } = await createCaseCode(db, clock, 24);
      const results = await Promise.all([
        post('/v1/cases', sealedReport(dataDir, code, [visit(0), visit(1)])),
        post('/v1/cases', sealedReport(dataDir, code, [visit(2)])),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([202, 403]);
      await approveAll(db, dataDir, clock);
      expect([before + 1, before + 2]).toContain(await countNotices());
    });

    it('reports with different codes, reviewed, get distinct, gap-free sequence numbers', async () => {
      const before = await countNotices();
      const codes = await Promise.all([1, 2, 3].map(() => createCaseCode(db, clock, 24)));
      const results = await Promise.all(
        codes.map(({ code }) => post('/v1/cases', sealedReport(dataDir, code, [visit(0), visit(1)]))),
      );
      expect(results.map((r) => r.status)).toEqual([202, 202, 202]);
      await approveAll(db, dataDir, clock);
      const seqs = (await db.query<{ seq: string | number }>('select seq from notices order by seq')).map((r) =>
        Number(r.seq),
      );
      expect(seqs).toEqual(Array.from({ length: before + 6 }, (_, i) => i + 1));
    });

    it('pages with after/limit/next/more; ETag gives 304 until something new arrives', async () => {
      const total = await countNotices();
      expect(total).toBeGreaterThanOrEqual(4);
      const page1 = (await (await get('/v1/notices?after=0&limit=3')).json()) as {
        notices: { seq: number }[];
        next: number;
        more: boolean;
      };
      expect(page1.notices.map((n) => n.seq)).toEqual([1, 2, 3]);
      expect(page1).toMatchObject({ next: 3, more: true });
      const rest = (await (await get(`/v1/notices?after=3&limit=1000`)).json()) as { next: number; more: boolean };
      expect(rest).toMatchObject({ next: total, more: false });

      const tail = await get(`/v1/notices?after=${total}`);
      expect(tail.headers.get('cache-control')).toBe('no-cache');
      const etag = tail.headers.get('etag');
      expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
      expect(await tail.json()).toEqual({ notices: [], next: total, more: false });
      const unchanged = await get(`/v1/notices?after=${total}`, { 'If-None-Match': etag ?? '' });
      expect(unchanged.status).toBe(304);

      const { code } = await createCaseCode(db, clock, 24);
      await report(code, [visit(0)]);
      const changed = await get(`/v1/notices?after=${total}`, { 'If-None-Match': etag ?? '' });
      expect(changed.status).toBe(200);
      expect(((await changed.json()) as { next: number }).next).toBe(total + 1);
    });

    it('bad feed parameters are 400 PARAM_INVALID', async () => {
      for (const q of ['after=-1', 'after=1.5', 'after=x', 'limit=0', 'limit=1001', 'after=1&after=2', 'since=3']) {
        const res = await get(`/v1/notices?${q}`);
        expect(res.status, q).toBe(400);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('PARAM_INVALID');
      }
    });
  });

  describe.skipIf(skip)('GET /v1/notices/<province>/<day>/<part>.json', () => {
    type File = { province: string; day: string; part: number; notices: { seq: number }[] };
    const provinceOfVenue = async (id: string) =>
      (await db.query<{ region: string }>('select region from venues where id = $1', [id]))[0].region.slice(0, 2);

    it("lists a day's notices of one province in parts; ETag and 304; a full part and a closed day are immutable", async () => {
      const start = clock;
      try {
        const venue = venues[0];
        const province = await provinceOfVenue(venue);
        const other = venues.find((id) => id !== venue) ?? venue;
        const day = dayOf(clock);
        const partPath = (part: number) => `/v1/notices/${province}/${formatDay(day)}/${part}.json`;
        /** The day's parts from the first until one is not full: every seq, and the number of full parts. */
        const readDay = async () => {
          const seqs: number[] = [];
          for (let part = 0; ; part++) {
            const file = (await (await get(partPath(part))).json()) as File;
            expect(file).toMatchObject({ province, day: formatDay(day), part });
            seqs.push(...file.notices.map((n) => n.seq));
            if (file.notices.length < NOTICES_PER_PART) return { seqs, full: part };
          }
        };
        const publish = () =>
          publishManualNotice(db, dataDir, { venueId: venue, from: clock - 2 * HOUR, to: clock - HOUR }, clock);
        // Fill the open part up to one short of full, then fill it: it is final while the day is still open.
        while ((await readDay()).seqs.length % NOTICES_PER_PART !== NOTICES_PER_PART - 1) await publish();
        const filling = await publish();
        const { seqs: before, full } = await readDay();
        expect(before.at(-1)).toBe(filling);
        const fullPart = await get(partPath(full - 1));
        expect(fullPart.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
        const seq = await publish();
        const path = partPath(full);
        const res = await get(path);
        expect(res.status).toBe(200);
        expect(res.headers.get('cache-control')).toBe('public, no-cache');
        const file = (await res.json()) as File;
        expect(file.notices.map((n) => n.seq)).toEqual([seq]);
        expect((await readDay()).seqs).toEqual([...before, seq]);
        const bundle = readPublishedBundle(dataDir);
        if (!bundle) throw new Error('no bundle');
        expect(file.notices.every((n) => verifyNotice(bundle.payload, n).ok)).toBe(true);
        const etag = res.headers.get('etag') ?? '';
        expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
        expect((await get(path, { 'If-None-Match': etag })).status).toBe(304);
        // Another province's file of the same day does not carry it.
        const elsewhere = ['11', '33', '64'].find((p) => p !== province) ?? '11';
        const away = (await (await get(`/v1/notices/${elsewhere}/${formatDay(day)}/0.json`)).json()) as File;
        expect(away.notices.map((n) => n.seq)).not.toContain(seq);

        // The next day a notice is issued: the first day can never change again.
        clock = (day + 1) * DAY + HOUR;
        const next = await publishManualNotice(
          db,
          dataDir,
          { venueId: other, from: clock - 2 * HOUR, to: clock - HOUR },
          clock,
        );
        const closed = await get(path, { 'If-None-Match': etag });
        expect(closed.status).toBe(304);
        expect(closed.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
        // A signer whose clock lags (still on the first day) issues into the newest day, never the closed one.
        const lagging = await publishManualNotice(
          db,
          dataDir,
          { venueId: venue, from: start - 2 * HOUR, to: start - HOUR },
          start,
        );
        expect((await get(path, { 'If-None-Match': etag })).status).toBe(304);
        const rows = await db.query<{ seq: string | number; issued_at: string | number; province: string }>(
          'select seq, issued_at, province from notices where seq = any($1::bigint[]) order by seq',
          [[next, lagging]],
        );
        expect(rows.map((r) => [Number(r.seq), dayOf(Number(r.issued_at))])).toEqual([
          [next, day + 1],
          [lagging, day + 1],
        ]);
        expect(rows[1].province).toBe(province);
      } finally {
        clock = start;
      }
    });

    it('a path that names no province, no real day or no part is 404', async () => {
      for (const path of [
        '/v1/notices/6/2026-01-01/0.json',
        '/v1/notices/640/2026-01-01/0.json',
        '/v1/notices/64/2026-02-30/0.json',
        '/v1/notices/64/2026-01-01/0',
        '/v1/notices/64/2026-01-01/01.json',
        '/v1/notices/64/2026-01-01/100000.json',
        '/v1/notices/64/2026-01-01.json',
        '/v1/notices/64/today/0.json',
      ]) {
        const res = await get(path);
        expect(res.status, path).toBe(404);
      }
    });
  });
});

describe('case codes', () => {
  it('normalise what people type (Crockford: case, O/0, I/L/1, hyphens, spaces)', () => {
    expect(normaliseCaseCode('7k3q-m9tx-2hrw')).toBe('7K3QM9TX2HRW');
    expect(normaliseCaseCode(' 7K3Q M9TX 2HRW ')).toBe('7K3QM9TX2HRW');
    expect(normaliseCaseCode('OIL0-0000-0000')).toBe('011000000000');
    expect(normaliseCaseCode('7K3Q-M9TX-2HR')).toBeUndefined();
    expect(normaliseCaseCode('7K3Q-M9TX-2HRU')).toBeUndefined();
  });
});
