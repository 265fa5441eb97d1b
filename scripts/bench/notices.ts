/**
 * Bytes a phone downloads for exposure notices in a day (`npm run bench -- --only notices --no-browser`): the real
 * server (createApp on PGlite, listening on loopback) with one venue per province, 500 notices (× --scale) issued
 * on each of two days in 48 half-hourly reviews, shared among the provinces by population (BPS census 2020). A
 * phone that lived in one province for two weeks syncs during the second day, warm from the evening before:
 *  - before: the national feed (`GET /v1/notices?after=`, If-None-Match) as the app read it until now;
 *  - after: the app's own `pullNotices` (src/sync/notices-pull.ts) on the province day files, through a small
 *    HTTP cache that does what the browser's does for the app (a fresh `immutable` answer is reused without a
 *    request, others are revalidated with their ETag).
 * Bytes are counted on the socket (status line, headers and body as received; each request on its own
 * connection), for 4 and for 24 syncs in the day. Not part of `npm test`.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import pino from 'pino';
import { createApp } from '../../server/app';
import { readPublishedBundle, registerVenue } from '../../server/authority';
import { openDb } from '../../server/db';
import { claimDemoDir, demoInit } from '../../server/demo';
import { migrate } from '../../server/migrations';
import { insertNotices, noticesSigner } from '../../server/notice-signing';
import { DAY_SECONDS } from '../../src/core/notice-files';
import type { CheckInRecord } from '../../src/store/schema';
import { pullNotices } from '../../src/sync/notices-pull';

export const NOTICES_START = '<!-- bench-notices:start -->';
export const NOTICES_END = '<!-- bench-notices:end -->';

/** Population in thousands, census 2020 (BPS SP2020), by province code; Papua as before its 2022 split. */
const POPULATION: Readonly<Record<string, number>> = {
  '11': 5274,
  '12': 14799,
  '13': 5534,
  '14': 6394,
  '15': 3548,
  '16': 8467,
  '17': 2010,
  '18': 9008,
  '19': 1456,
  '21': 2064,
  '31': 10562,
  '32': 48274,
  '33': 36516,
  '34': 3669,
  '35': 40666,
  '36': 11905,
  '51': 4317,
  '52': 5320,
  '53': 5326,
  '61': 5414,
  '62': 2670,
  '63': 4074,
  '64': 3766,
  '65': 701,
  '71': 2622,
  '72': 2986,
  '73': 9074,
  '74': 2625,
  '75': 1171,
  '76': 1419,
  '81': 1849,
  '82': 1283,
  '91': 4304,
  '92': 1134,
};
const HALF_HOUR = 1800;

export interface NoticesBenchOptions {
  readonly scale: number;
  readonly machine: string;
}

/** Largest-remainder shares of `total` by population: the notices each province gets in a day. */
function shares(total: number): Map<string, number> {
  const all = Object.values(POPULATION).reduce((a, b) => a + b, 0);
  const exact = Object.entries(POPULATION).map(([p, n]) => ({ p, x: (total * n) / all }));
  const out = new Map(exact.map(({ p, x }) => [p, Math.floor(x)]));
  let left = total - [...out.values()].reduce((a, b) => a + b, 0);
  for (const { p } of [...exact].sort((a, b) => (b.x % 1) - (a.x % 1))) {
    if (left-- <= 0) break;
    out.set(p, (out.get(p) ?? 0) + 1);
  }
  return out;
}

interface Wire {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
  readonly bytes: number;
}

/** GET on a fresh connection; `bytes` is everything the socket received. */
function get(url: string, headers: Record<string, string>): Promise<Wire> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h.set(k, v);
        resolve({
          status: res.statusCode ?? 0,
          headers: h,
          body: Buffer.concat(chunks).toString('utf8'),
          bytes: res.socket.bytesRead,
        });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** What the browser's HTTP cache does for the app's default-mode fetches, counting the bytes received. */
function cachingFetch(meter: { bytes: number; requests: number }): typeof fetch {
  const cache = new Map<string, { etag: string; body: string; headers: Headers; immutable: boolean }>();
  return (async (input: string | URL | Request) => {
    const url = String(input);
    const hit = cache.get(url);
    if (hit?.immutable) return new Response(hit.body, { status: 200, headers: hit.headers });
    const res = await get(url, hit ? { 'if-none-match': hit.etag } : {});
    meter.bytes += res.bytes;
    meter.requests++;
    const immutable = /\bimmutable\b/.test(res.headers.get('cache-control') ?? '');
    if (res.status === 304 && hit) {
      hit.headers.set('cache-control', res.headers.get('cache-control') ?? '');
      hit.immutable = immutable;
      return new Response(hit.body, { status: 200, headers: hit.headers });
    }
    const etag = res.headers.get('etag');
    if (res.status === 200 && etag) cache.set(url, { etag, body: res.body, headers: res.headers, immutable });
    return new Response(res.status === 304 ? null : res.body, { status: res.status, headers: res.headers });
  }) as typeof fetch;
}

/** The national feed as the app read it before the province files: pages after its position, ETag on the last. */
function nationalReader(origin: string, meter: { bytes: number; requests: number }) {
  let after = 0;
  let etag: string | undefined;
  return async () => {
    for (let page = 0; page < 20; page++) {
      const res = await get(`${origin}/v1/notices?after=${after}&limit=500`, etag ? { 'if-none-match': etag } : {});
      meter.bytes += res.bytes;
      meter.requests++;
      if (res.status === 304) return;
      const body = JSON.parse(res.body) as { next: number; more: boolean };
      after = body.next;
      etag = body.more ? undefined : (res.headers.get('etag') ?? undefined);
      if (!body.more) return;
    }
  };
}

export async function runNoticesBench(options: NoticesBenchOptions): Promise<string> {
  const perDay = Math.max(50, Math.round(500 * options.scale));
  const root = mkdtempSync(join(tmpdir(), 'singgah-bench-notices-'));
  const dataDir = join(root, 'data');
  // Day 0 starts at a UTC midnight after the keys were made; the phone's two weeks end on day 1.
  const made = Math.floor(Date.now() / 1000) - 20 * DAY_SECONDS;
  const day0 = (Math.floor(made / DAY_SECONDS) + 15) * DAY_SECONDS;
  claimDemoDir(dataDir, made);
  const db = await openDb({ dataDir });
  let server: ReturnType<typeof serve> | undefined;
  try {
    await migrate(db);
    await demoInit(dataDir, db, made);
    const venueOf = new Map<string, { id: string; code: string }>();
    for (const province of Object.keys(POPULATION)) {
      const v = await registerVenue(
        db,
        dataDir,
        {
          name: `Kantor ${province}`,
          address: 'Jl. Merdeka 1',
          category: 'gov',
          region: province,
          capacity: 500,
          stayMinutes: 60,
        },
        made,
      );
      venueOf.set(province, { id: v.venue.id, code: v.code });
    }
    const app = createApp({
      db,
      dataDir,
      distDir: join(root, 'dist'),
      demo: false,
      logger: pino({ level: 'silent' }),
      rateLimit: { perSecond: 0, burst: 0 },
    });
    const port = await new Promise<number>((resolve) => {
      server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => resolve(info.port));
    });
    const origin = `http://127.0.0.1:${port}`;
    const bundle = readPublishedBundle(dataDir);
    if (!bundle) throw new Error('no bundle');
    const verified = { payload: bundle.payload } as Parameters<typeof pullNotices>[0]['bundle'];

    // 48 reviews a day, each publishing its share of every province's notices of the day, in turn.
    const perProvince = shares(perDay);
    const queue = [...perProvince].flatMap(([p, n]) => Array.from({ length: n }, () => p));
    const reviews = Array.from({ length: 48 }, (_, r) => queue.filter((_, i) => i % 48 === r));
    const publish = async (day: number, review: number) => {
      const at = day0 + day * DAY_SECONDS + review * HALF_HOUR + 60;
      // Visits of the last three days, an hour each.
      const visits = reviews[review].map((p, i) => {
        const from = at - 3600 * (2 + (i % 72));
        return { venueId: venueOf.get(p)?.id ?? '', from, to: from + 3600 };
      });
      if (visits.length === 0) return;
      const signer = noticesSigner(dataDir, at);
      await db.transaction((tx) => insertNotices(tx, signer, visits, at));
    };

    const phones = ['64', '32', '33', '31'];
    const rows: string[] = [];
    const results = new Map<
      string,
      Map<number, { before: number; after: number; reqBefore: number; reqAfter: number }>
    >();
    for (const syncs of [4, 24]) {
      // A fresh database per schedule would cost minutes of PGlite: the same days are replayed on later days.
      const base = (syncs === 4 ? 0 : 2) * DAY_SECONDS;
      const dayStart = day0 + base;
      const phonesState = phones.map((province) => {
        const venue = venueOf.get(province);
        if (!venue) throw new Error(province);
        // A visit a day for 14 days, the last one on the measured day's morning.
        const history: CheckInRecord[] = Array.from({ length: 14 }, (_, i) => {
          const at = dayStart + DAY_SECONDS + 6 * 3600 - i * DAY_SECONDS;
          return {
            id: `${province}${i}`.padEnd(32, '0'),
            venueCode: venue.code,
            venueId: venue.id,
            venueName: 'Kantor',
            people: [],
            checkedInAt: at,
            checkedOutAt: at + 1800,
            autoCheckOutAt: at + 3600,
          };
        });
        const store = {
          listCheckIns: async () => ({ ok: true as const, value: { items: history, quarantined: 0 } }),
          recordNotices: async () => ({ ok: true as const, value: [] }),
        } as unknown as Parameters<typeof pullNotices>[0]['store'];
        const before = { bytes: 0, requests: 0 };
        const after = { bytes: 0, requests: 0 };
        return { province, store, national: nationalReader(origin, before), fetch: cachingFetch(after), before, after };
      });
      const sync = async (now: number) => {
        for (const p of phonesState) {
          await p.national();
          await pullNotices({ store: p.store, bundle: verified, fetch: p.fetch, origin, now: () => now });
        }
      };
      // The first day, and a sync at its end: the phone is warm, as one that synced the evening before.
      for (let r = 0; r < 48; r++) await publish(base / DAY_SECONDS, r);
      await sync(dayStart + DAY_SECONDS - 60);
      for (const p of phonesState)
        for (const meter of [p.before, p.after]) Object.assign(meter, { bytes: 0, requests: 0 });
      // The measured day: reviews every half hour, syncs spread evenly.
      const syncAt = new Set(Array.from({ length: syncs }, (_, i) => Math.floor(((i + 1) * 48) / syncs) - 1));
      for (let r = 0; r < 48; r++) {
        await publish(base / DAY_SECONDS + 1, r);
        if (syncAt.has(r)) await sync(dayStart + DAY_SECONDS + r * HALF_HOUR + 1200);
      }
      for (const p of phonesState) {
        const byProvince = results.get(p.province) ?? new Map();
        byProvince.set(syncs, {
          before: p.before.bytes,
          after: p.after.bytes,
          reqBefore: p.before.requests,
          reqAfter: p.after.requests,
        });
        results.set(p.province, byProvince);
      }
    }
    const name: Record<string, string> = {
      '64': 'Kalimantan Timur',
      '32': 'Jawa Barat',
      '33': 'Jawa Tengah',
      '31': 'DKI Jakarta',
    };
    const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
    for (const p of phones) {
      for (const syncs of [4, 24]) {
        const r = results.get(p)?.get(syncs);
        if (!r) continue;
        rows.push(
          `| ${name[p]} (${p}), ${perProvince.get(p)} notices/day | ${syncs} | ${kib(r.before)} (${r.reqBefore}) | ${kib(r.after)} (${r.reqAfter}) | ${(r.before / r.after).toFixed(1)}× |`,
        );
      }
    }
    return [
      NOTICES_START,
      '<!-- Generated by `npm run bench -- --only notices` (scripts/bench/notices.ts); edits between these markers are overwritten. -->',
      '',
      options.machine,
      '',
      `${perDay} notices a day nationally, shared by population; one phone per row, a visit a day in its province for`,
      'two weeks; bytes received on the socket during the measured day (requests in brackets), uncompressed JSON.',
      '',
      '| Phone lives in | Syncs in the day | National feed (before) | Province files (after) | Saving |',
      '| --- | --: | --: | --: | --: |',
      ...rows,
      NOTICES_END,
    ].join('\n');
  } finally {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await db.close();
    rmSync(root, { recursive: true, force: true });
  }
}
