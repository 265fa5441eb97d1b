/**
 * Visits and the outbox. A check-in or check-out is written together with its outbox entry in one durable
 * transaction, so an upload is never lost nor sent for a visit that was not stored. History is read in pages
 * through the `by-checkedInAt-id` index, and retention deletes through `by-checkedInAt`: neither reads everything.
 */
import { type AdmissionErrorCode, checkAdmission, type PersonAdmission } from '../core/admission';
import type { UnixSeconds } from '../core/schema';
import type { SignedVenue } from '../core/venue';
import { NotFound } from './connection';
import type { StoreContext } from './context';
import { checkAll, type Problem, problemOf } from './quarantine';
import { checkCheckIn, checkOutbox } from './records';
import { fail, type Listed, ok, type QuarantinedItem, type StoreResult } from './result';
import type { CheckInRecord, OutboxRecord } from './schema';
import type { ExposureRecord } from './sync-records';

/** Where a history page ends: pass it as `before` for the next (older) page. */
export interface CheckInPosition {
  readonly checkedInAt: UnixSeconds;
  readonly id: string;
}
export interface CheckInPage extends Listed<CheckInRecord> {
  /** Absent on the last page. */
  readonly next?: CheckInPosition;
}

export interface CheckInInput {
  readonly venue: SignedVenue;
  /** Who goes in, each with their decision at the door: only the admitted are written (core checkAdmission). */
  readonly people: readonly PersonAdmission[];
  readonly now: UnixSeconds;
  /** The stay chosen at the door (the model checks it against the signed policy's cap); default: the venue's. */
  readonly stayMinutes?: number;
  /**
   * One open visit at a time: check out, at `now`, every other visit still open (with its outbox entry, in the
   * same transaction). The app always asks for it (AppModel.checkIn); bulk writers (tests, benchmarks) need not.
   */
  readonly endOpenVisits?: boolean;
}

/** The longest stay the store writes, whatever the caller asks: a venue's default stay is at most a day. */
export const MAX_STAY_MINUTES = 1440;

export function randomHexId(bytes = 16): string {
  const b = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** A visit is active until it is checked out or its automatic check-out time has passed. */
export const isActiveCheckIn = (c: CheckInRecord, now: UnixSeconds): boolean =>
  c.checkedOutAt === undefined && now < c.autoCheckOutAt;

/** When the visit ended (or will end automatically). */
export const checkInEnd = (c: CheckInRecord): UnixSeconds => c.checkedOutAt ?? c.autoCheckOutAt;

export interface CheckInRepo {
  /**
   * Record a visit and its outbox entry in one durable transaction. Refuses anyone refused at the door (or
   * unverifiable without a confirmed hand check) before touching the database. With `endOpenVisits`, any other
   * visit still open is checked out at `now`, with its outbox entry, in the same transaction.
   */
  checkIn(input: CheckInInput): Promise<StoreResult<CheckInRecord>>;
  /**
   * End a visit now (never before it began, never after its automatic end). Checking out twice changes
   * nothing; the outbox entry is written in the same transaction.
   */
  checkOut(id: string, now: UnixSeconds): Promise<StoreResult<CheckInRecord>>;
  /**
   * The user deletes one visit from the history (durable). Its outbox entries go in the same transaction — an
   * upload of a visit the user removed would be a leak — and so do its dead letters and low-level exposure
   * matches. A high-level match stays, marked `visitDeleted`: a black status the rules derive from it must not be
   * erased by deleting the visit (docs/SECURITY.md), and its alert still says why. Deleting a visit that is not
   * there: CHECKIN_NOT_FOUND.
   */
  deleteCheckIn(id: string): Promise<StoreResult<void>>;
  /**
   * One page of history, newest first (ties in time by id, descending), strictly older than `before`: a
   * cursor over the `by-checkedInAt-id` index that stops after `limit` records — never a read of everything.
   */
  listCheckInsPage(query: {
    readonly before?: CheckInPosition;
    readonly limit: number;
  }): Promise<StoreResult<CheckInPage>>;
  /** Newest first, up to `limit` (all by default). */
  listCheckIns(limit?: number): Promise<StoreResult<Listed<CheckInRecord>>>;
  /** The newest active visit at a venue (rescanning its QR checks out), if any. */
  activeCheckInAt(venueId: string, now: UnixSeconds): Promise<StoreResult<CheckInRecord | undefined>>;
  /**
   * Retention: delete visits that began more than `retentionDays` before `now` (a range of the
   * `by-checkedInAt` index, not a scan), **with their outbox entries even if unsent**: nothing personal
   * outlives retention, and an upload that old is of no use to contact tracing anyway. Quarantined check-ins
   * and outbox entries go too once they have been in quarantine that long. Returns how many visits went.
   */
  purgeCheckIns(now: UnixSeconds, retentionDays: number): Promise<StoreResult<number>>;
  /**
   * A check-in whose `checkedInAt` is missing or not a valid key (null, NaN, an object) is in no index: history,
   * retention and check-out never see it. Compare the store's count with its history index's; only when they
   * differ, diff the two key lists (keys only, no values) and quarantine what the index lacks. Such a record
   * always fails its read-back check (a valid one has a finite number and a string, both valid keys), so nothing
   * good is moved. Run with retention (at start and daily). Returns what was quarantined.
   */
  quarantineUnindexedCheckIns(): Promise<StoreResult<readonly QuarantinedItem[]>>;
  /** Every outbox entry that passes its check (the others are quarantined). */
  listOutbox(): Promise<StoreResult<Listed<OutboxRecord>>>;
}

/** `randomId` makes check-in ids (128 random bits in the app; injectable for tests). */
export function createCheckInRepo(ctx: StoreContext, randomId: () => string): CheckInRepo {
  const { run, quarantine, metaInTx, report } = ctx;

  async function checkIn(input: CheckInInput): Promise<StoreResult<CheckInRecord>> {
    const admitted = checkAdmission(input.people);
    if (!admitted.ok) return fail(admitted.error.code as AdmissionErrorCode, admitted.error.detail);
    const { venue } = input.venue;
    const stay = input.stayMinutes ?? venue.stayMinutes;
    if (!Number.isInteger(stay) || stay < 1 || stay > MAX_STAY_MINUTES) return fail('STAY_OUT_OF_RANGE', String(stay));
    const record: CheckInRecord = {
      id: randomId(),
      venueCode: input.venue.code,
      venueId: venue.id,
      venueName: venue.name,
      people: admitted.value,
      checkedInAt: input.now,
      autoCheckOutAt: input.now + stay * 60,
    };
    const outbox: OutboxRecord = { id: record.id, op: 'checkin', createdAt: input.now };
    return run(
      ['checkins', 'outbox'],
      'readwrite',
      async (tx) => {
        const checkins = tx.objectStore('checkins');
        // Visits that may still be open began within the longest stay before now (the by-checkedInAt index).
        const recent = !input.endOpenVisits
          ? []
          : await checkins
              .index('by-checkedInAt')
              .getAll(IDBKeyRange.bound(input.now - MAX_STAY_MINUTES * 60, input.now));
        for (const raw of recent) {
          // A damaged record is left for the quarantine sweep: only a readable open visit is closed.
          const read = checkCheckIn(raw);
          if (!read.ok) continue;
          const open = read.value;
          if (open.id === record.id || !isActiveCheckIn(open, input.now)) continue;
          await checkins.put({ ...open, checkedOutAt: Math.max(open.checkedInAt, input.now) });
          await tx.objectStore('outbox').put({ id: open.id, op: 'checkout', createdAt: input.now });
        }
        await checkins.add(record);
        await tx.objectStore('outbox').add(outbox);
        return record;
      },
      'strict',
    );
  }

  async function checkOut(id: string, now: UnixSeconds): Promise<StoreResult<CheckInRecord>> {
    return run(
      ['checkins', 'outbox'],
      'readwrite',
      async (tx) => {
        const checkins = tx.objectStore('checkins');
        const current = await checkins.get(id);
        if (!current) throw new NotFound('CHECKIN_NOT_FOUND', id);
        if (current.checkedOutAt !== undefined) return current;
        const updated: CheckInRecord = {
          ...current,
          checkedOutAt: Math.max(current.checkedInAt, Math.min(now, current.autoCheckOutAt)),
        };
        await checkins.put(updated);
        await tx.objectStore('outbox').put({ id, op: 'checkout', createdAt: now });
        return updated;
      },
      'strict',
    );
  }

  async function deleteCheckIn(id: string): Promise<StoreResult<void>> {
    const moved: QuarantinedItem[] = [];
    const r = await run(
      ['checkins', 'outbox', 'meta', 'quarantine'],
      'readwrite',
      async (tx) => {
        const checkins = tx.objectStore('checkins');
        if ((await checkins.getKey(id)) === undefined) throw new NotFound('CHECKIN_NOT_FOUND', id);
        await checkins.delete(id);
        await tx.objectStore('outbox').delete([id, 'checkin']);
        await tx.objectStore('outbox').delete([id, 'checkout']);
        const letters = await metaInTx(tx, 'deadLetters', moved);
        if (letters?.some((l) => l.id === id))
          await tx.objectStore('meta').put(
            letters.filter((l) => l.id !== id),
            'deadLetters',
          );
        const exposures = await metaInTx(tx, 'exposures', moved);
        if (exposures?.some((e) => e.checkInId === id)) {
          const held: ExposureRecord[] = exposures.flatMap((e) =>
            e.checkInId !== id ? [e] : e.level === 'high' ? [{ ...e, visitDeleted: true as const }] : [],
          );
          await tx.objectStore('meta').put(held, 'exposures');
        }
      },
      'strict',
    );
    if (r.ok) report(moved);
    return r;
  }

  async function listCheckInsPage(query: {
    readonly before?: CheckInPosition;
    readonly limit: number;
  }): Promise<StoreResult<CheckInPage>> {
    const { before, limit } = query;
    const r = await run(['checkins'], 'readonly', async (tx) => {
      const items: CheckInRecord[] = [];
      const problems: Problem[] = [];
      let next: CheckInPosition | undefined;
      if (!(limit > 0)) return { items, problems, next };
      const range = before ? IDBKeyRange.upperBound([before.checkedInAt, before.id], true) : null;
      let cursor = await tx.objectStore('checkins').index('by-checkedInAt-id').openCursor(range, 'prev');
      while (cursor) {
        if (items.length >= limit) {
          const last = items[items.length - 1] as CheckInRecord;
          next = { checkedInAt: last.checkedInAt, id: last.id };
          break;
        }
        const c = checkCheckIn(cursor.value);
        if (c.ok) items.push(c.value);
        else problems.push(problemOf('checkins', cursor.primaryKey, c));
        cursor = await cursor.continue();
      }
      return { items, problems, next };
    });
    if (!r.ok) return r;
    const quarantined = await quarantine(r.value.problems);
    const { items, next } = r.value;
    return ok(next ? { items, quarantined, next } : { items, quarantined });
  }

  async function listCheckIns(limit = Number.POSITIVE_INFINITY): Promise<StoreResult<Listed<CheckInRecord>>> {
    const r = await listCheckInsPage({ limit });
    return r.ok ? ok({ items: r.value.items, quarantined: r.value.quarantined }) : r;
  }

  async function activeCheckInAt(venueId: string, now: UnixSeconds): Promise<StoreResult<CheckInRecord | undefined>> {
    const r = await run(['checkins'], 'readonly', async (tx) => {
      const index = tx.objectStore('checkins').index('by-venueId');
      const [keys, values] = await Promise.all([index.getAllKeys(venueId), index.getAll(venueId)]);
      return checkAll('checkins', keys, values, checkCheckIn);
    });
    if (!r.ok) return r;
    await quarantine(r.value.problems);
    const active = r.value.good.filter((c) => isActiveCheckIn(c, now)).sort((a, b) => b.checkedInAt - a.checkedInAt);
    return ok(active[0]);
  }

  async function purgeCheckIns(now: UnixSeconds, retentionDays: number): Promise<StoreResult<number>> {
    const cutoff = now - retentionDays * 86_400;
    return run(
      ['checkins', 'outbox', 'quarantine'],
      'readwrite',
      async (tx) => {
        let n = 0;
        const outbox = tx.objectStore('outbox');
        let cursor = await tx
          .objectStore('checkins')
          .index('by-checkedInAt')
          .openCursor(IDBKeyRange.upperBound(cutoff, true));
        while (cursor) {
          const id = cursor.primaryKey;
          await cursor.delete();
          await outbox.delete([id, 'checkin']);
          await outbox.delete([id, 'checkout']);
          n++;
          cursor = await cursor.continue();
        }
        let q = await tx.objectStore('quarantine').openCursor();
        while (q) {
          const { store, at } = q.value;
          if ((store === 'checkins' || store === 'outbox') && !(at >= cutoff)) await q.delete();
          q = await q.continue();
        }
        return n;
      },
      'strict',
    );
  }

  async function quarantineUnindexedCheckIns(): Promise<StoreResult<readonly QuarantinedItem[]>> {
    const r = await run(['checkins'], 'readonly', async (tx) => {
      const store = tx.objectStore('checkins');
      const index = store.index('by-checkedInAt-id');
      const [all, indexed] = await Promise.all([store.count(), index.count()]);
      if (all === indexed) return [];
      const [keys, indexedKeys] = await Promise.all([store.getAllKeys(), index.getAllKeys()]);
      const seen = new Set<IDBValidKey>(indexedKeys);
      const problems: Problem[] = [];
      for (const key of keys) {
        if (seen.has(key)) continue;
        const c = checkCheckIn(await store.get(key));
        if (!c.ok) problems.push(problemOf('checkins', key, c));
      }
      return problems;
    });
    return r.ok ? ok(await quarantine(r.value)) : r;
  }

  async function listOutbox(): Promise<StoreResult<Listed<OutboxRecord>>> {
    const r = await run(['outbox'], 'readonly', async (tx) => {
      const [keys, values] = await Promise.all([
        tx.objectStore('outbox').getAllKeys(),
        tx.objectStore('outbox').getAll(),
      ]);
      return checkAll('outbox', keys, values, checkOutbox);
    });
    if (!r.ok) return r;
    return ok({ items: r.value.good, quarantined: await quarantine(r.value.problems) });
  }

  return {
    checkIn,
    checkOut,
    deleteCheckIn,
    listCheckInsPage,
    listCheckIns,
    activeCheckInAt,
    purgeCheckIns,
    quarantineUnindexedCheckIns,
    listOutbox,
  };
}
