/**
 * Browser entry of the store benchmark: bundled by scripts/bench/run.ts with Vite's build API (IIFE, its own
 * bundle) and loaded into a page on 127.0.0.1 (IndexedDB needs a real origin), which calls
 * `window.singgahStoreBench.run()` through Playwright. It drives the real `createStore` (src/store) on a fresh
 * database, deleted afterwards.
 */
import { decodeVenue, type SignedVenue } from '../../src/core/venue';
import { EXPORT_FORMAT, EXPORT_VERSION } from '../../src/store/export-format';
import { createStore } from '../../src/store/store';
import { HOUR, kaltimOffice, NOW, semarangMosque, signVenue } from '../../test/support/authority';

export interface StoreBenchOptions {
  /** Check-ins in the store before timing. */
  readonly fill: number;
  /** Check-ins per fill transaction (`importAll`, one durable transaction each). */
  readonly fillBatch: number;
  /** History page size: what `listCheckInsPage({limit})` is timed with. */
  readonly pageSize: number;
  readonly pageRuns: number;
  readonly checkInRuns: number;
}

export interface Timing {
  readonly samples: number;
  readonly medianMs: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  readonly minMs: number;
  readonly maxMs: number;
}

export interface StoreBenchResult {
  readonly dbName: string;
  readonly filled: number;
  readonly fillMs: number;
  /** Check-ins in the database when the timing started (read back by the store). */
  readonly countBefore: number;
  /** The first page read on a fresh store instance: opening the connection included. */
  readonly firstPageColdMs: number;
  readonly firstPage: Timing;
  readonly pageItems: number;
  readonly checkIn: Timing;
  readonly outboxAfter: number;
  readonly deleted: boolean;
  readonly durability: string;
}

export interface StoreBench {
  run(options: StoreBenchOptions): Promise<StoreBenchResult>;
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;

function timing(samples: readonly number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    samples: samples.length,
    medianMs: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    meanMs: samples.reduce((a, b) => a + b, 0) / samples.length,
    minMs: sorted[0] as number,
    maxMs: sorted[sorted.length - 1] as number,
  };
}

function venue(code: string): SignedVenue {
  const v = decodeVenue(code);
  if (!v.ok) throw new Error(`bench venue: ${v.error.code}`);
  return v.value;
}

const VENUES = [venue(signVenue(kaltimOffice)), venue(signVenue(semarangMosque))];
const hex = (n: number) => n.toString(16).padStart(32, '0');

/** An export file holding check-ins `from … from + n − 1`, one every 10 minutes back from NOW, most checked out. */
function exportBatch(from: number, n: number): string {
  const checkins = Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const v = VENUES[i % VENUES.length] as SignedVenue;
    const checkedInAt = NOW - 600 * (i + 1);
    return {
      id: hex(i + 1),
      venueCode: v.code,
      venueId: v.venue.id,
      venueName: v.venue.name,
      people: [{ key: 'Budi Santoso|1985-04-12', outcome: 'ALLOWED' }],
      checkedInAt,
      autoCheckOutAt: checkedInAt + v.venue.stayMinutes * 60,
      ...(i % 10 === 0 ? {} : { checkedOutAt: checkedInAt + HOUR }),
    };
  });
  // The newest few are still waiting for upload.
  const outbox = checkins
    .filter((_, k) => from + k < 20)
    .map((c) => ({ id: c.id, op: 'checkin', createdAt: c.checkedInAt }));
  return JSON.stringify({
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: NOW,
    certificates: [],
    checkins,
    outbox,
  });
}

function deleteDatabase(name: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = () => resolve(true);
    req.onerror = () => resolve(false);
    req.onblocked = () => undefined;
  });
}

async function run(o: StoreBenchOptions): Promise<StoreBenchResult> {
  const dbName = `singgah-bench-${Date.now()}-${Math.random().toString(16).slice(2, 10)}`;
  let store = createStore({ name: dbName });
  let deleted = false;
  try {
    // Fill.
    const f0 = performance.now();
    for (let from = 0; from < o.fill; from += o.fillBatch) {
      const r = await store.importAll(exportBatch(from, Math.min(o.fillBatch, o.fill - from)), NOW);
      if (!r.ok) throw new Error(`fill: ${r.error.code} ${r.error.detail ?? ''}`);
    }
    const fillMs = performance.now() - f0;
    store.close();

    // (a) First page of history. Once on a fresh store instance (connection open included), then warm.
    store = createStore({ name: dbName });
    const c0 = performance.now();
    const cold = await store.listCheckInsPage({ limit: o.pageSize });
    const firstPageColdMs = performance.now() - c0;
    if (!cold.ok) throw new Error(`first page: ${cold.error.code}`);
    const all = await store.listCheckIns();
    if (!all.ok) throw new Error(`count: ${all.error.code}`);
    const countBefore = all.value.items.length;
    const pageSamples: number[] = [];
    let pageItems = 0;
    for (let i = 0; i < 5 + o.pageRuns; i++) {
      const t = performance.now();
      const r = await store.listCheckInsPage({ limit: o.pageSize });
      const dt = performance.now() - t;
      if (!r.ok) throw new Error(`first page: ${r.error.code}`);
      if (r.value.items[0]?.id !== hex(1) || r.value.quarantined.length > 0) throw new Error('first page: wrong items');
      pageItems = r.value.items.length;
      if (i >= 5) pageSamples.push(dt);
    }

    // (b) One check-in with its outbox entry, one transaction, durability 'strict' (the store's checkIn).
    const checkInSamples: number[] = [];
    for (let i = 0; i < 5 + o.checkInRuns; i++) {
      const v = VENUES[i % VENUES.length] as SignedVenue;
      const t = performance.now();
      const r = await store.checkIn({
        venue: v,
        people: [{ key: 'Budi Santoso|1985-04-12', outcome: 'ALLOWED' }],
        now: NOW + i,
      });
      const dt = performance.now() - t;
      if (!r.ok) throw new Error(`check-in: ${r.error.code}`);
      if (i >= 5) checkInSamples.push(dt);
    }
    const outbox = await store.listOutbox();
    if (!outbox.ok) throw new Error(`outbox: ${outbox.error.code}`);
    store.close();
    deleted = await deleteDatabase(dbName);
    return {
      dbName,
      filled: o.fill,
      fillMs,
      countBefore,
      firstPageColdMs,
      firstPage: timing(pageSamples),
      pageItems,
      checkIn: timing(checkInSamples),
      outboxAfter: outbox.value.items.length,
      deleted,
      durability: 'strict',
    };
  } finally {
    if (!deleted) {
      store.close();
      await deleteDatabase(dbName);
    }
  }
}

(globalThis as unknown as { singgahStoreBench: StoreBench }).singgahStoreBench = { run };
