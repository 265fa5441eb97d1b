/**
 * Check-in events uploaded from phones' outboxes: validation per item, idempotent batch ingestion keyed by
 * (id, op), and venue occupancy (retention: checkin-partitions.ts). Ingestion is one multi-row `insert … select
 * from unnest(…) on conflict do nothing returning` per batch — what makes ≥ 10,000 check-ins/s on PostgreSQL
 * possible (docs/BENCHMARKS.md).
 *
 * An upload cannot write what a phone did not record: each check-in counts at most MAX_CHECKIN_PEOPLE and
 * carries the proof of the venue's signed QR (core checkin-upload.ts), checked against every code the server
 * signed for that venue (table venue_codes); a check-out needs a check-in the server knows. Rows keep only what
 * the item says — no time of receipt that would tie one phone's outbox together.
 */
import * as v from 'valibot';
import { CHECKIN_PROOF_PATTERN, checkInProofOf, MAX_CHECKIN_PEOPLE } from '../src/core/checkin-upload';
import type { ErrorCode } from '../src/core/errors';
import { identifier, parseWith, time, type UnixSeconds } from '../src/core/schema';
import type { Queryable } from './db';

export const MAX_BATCH_ITEMS = 100;
/** Upload delay we accept: a phone offline for a month still delivers; older is outside any retention. */
export const MAX_AGE_SECONDS = 30 * 86_400;
/** Phone clocks run fast; beyond this an event "in the future" is an error, not skew. */
export const MAX_FUTURE_SECONDS = 300;
/** The longest stay (a venue's default stay is at most 1440 minutes). */
export const MAX_STAY_SECONDS = 86_400;

export const checkInId = v.pipe(v.string(), v.regex(/^[0-9a-f]{32}$/));
export const OPS = ['checkin', 'checkout'] as const;
export type Op = (typeof OPS)[number];

const checkinItem = v.strictObject({
  id: checkInId,
  op: v.literal('checkin'),
  venueId: identifier,
  at: time,
  autoCheckOutAt: time,
  // Any count over the cap is refused with its own code (validateItem), so the phone can say why.
  people: v.pipe(v.number(), v.integer(), v.minValue(1)),
  proof: v.pipe(v.string(), v.regex(CHECKIN_PROOF_PATTERN)),
});
const checkoutItem = v.strictObject({ id: checkInId, op: v.literal('checkout'), at: time });

export type ItemCode =
  | ErrorCode
  | 'VENUE_UNKNOWN'
  | 'TIME_IN_FUTURE'
  | 'TIME_TOO_OLD'
  | 'ITEM_CONFLICT'
  | 'CHECKIN_PROOF_MISSING'
  | 'CHECKIN_PROOF_INVALID'
  | 'CHECKOUT_UNKNOWN';

export interface ItemResult {
  readonly id: string;
  readonly op: Op;
  readonly status: 'stored' | 'duplicate' | 'rejected';
  readonly code?: ItemCode;
}

/** A valid event, as stored. */
interface Event {
  readonly id: string;
  readonly op: Op;
  readonly venueId: string | null;
  readonly at: number;
  readonly autoCheckOutAt: number | null;
  readonly people: number | null;
}

/** A check-in that passed its schema, with the proof still to check against the venue's codes. */
interface ProvedEvent extends Event {
  readonly proof?: string;
}

/** An item whose id and op are readable (the request handler has checked that), with anything else unknown. */
export interface IdentifiedItem {
  readonly id: string;
  readonly op: Op;
  readonly [field: string]: unknown;
}

/** Whether an item can get a result of its own; otherwise the whole request is refused. */
export const isIdentified = (item: unknown): item is IdentifiedItem =>
  typeof item === 'object' &&
  item !== null &&
  !Array.isArray(item) &&
  v.is(checkInId, (item as { id?: unknown }).id) &&
  OPS.includes((item as { op?: unknown }).op as Op);

/** Time bounds relative to the server's clock; shared with case uploads. */
export function checkTime(at: UnixSeconds, now: UnixSeconds): 'TIME_IN_FUTURE' | 'TIME_TOO_OLD' | undefined {
  if (at > now + MAX_FUTURE_SECONDS) return 'TIME_IN_FUTURE';
  if (at < now - MAX_AGE_SECONDS) return 'TIME_TOO_OLD';
  return undefined;
}

function validateItem(item: IdentifiedItem, now: UnixSeconds): ProvedEvent | ItemCode {
  if (item.op === 'checkout') {
    const r = parseWith(checkoutItem, item);
    if (!r.ok) return r.error.code;
    return checkTime(r.value.at, now) ?? { ...r.value, venueId: null, autoCheckOutAt: null, people: null };
  }
  // Its own code: an app from before proofs sends none, and shows this code among the refused uploads.
  if (!('proof' in item)) return 'CHECKIN_PROOF_MISSING';
  const r = parseWith(checkinItem, item);
  if (!r.ok) return r.error.code;
  const { at, autoCheckOutAt, people } = r.value;
  if (autoCheckOutAt <= at || autoCheckOutAt > at + MAX_STAY_SECONDS) return 'PAYLOAD_OUT_OF_RANGE';
  if (people > MAX_CHECKIN_PEOPLE) return 'CHECKIN_TOO_MANY_PEOPLE';
  return checkTime(at, now) ?? r.value;
}

/** Every code the server has signed for these venues (venue_codes keeps the old ones: posters stay scanned). */
async function venueCodes(db: Queryable, venueIds: readonly string[]): Promise<Map<string, string[]>> {
  const codes = new Map<string, string[]>();
  if (venueIds.length === 0) return codes;
  const rows = await db.query<{ venue_id: string; code: string }>(
    'select venue_id, code from venue_codes where venue_id = any($1::text[])',
    [venueIds],
  );
  for (const r of rows) codes.set(r.venue_id, [...(codes.get(r.venue_id) ?? []), r.code]);
  return codes;
}

/** Check-in ids among `ids` that are stored. */
async function storedCheckIns(db: Queryable, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.query<{ id: string }>(
    `select id from checkin_events where op = 'checkin' and id = any($1::text[])`,
    [ids],
  );
  return new Set(rows.map((r) => r.id));
}

const sameEvent = (a: Event, b: Event) =>
  a.venueId === b.venueId && a.at === b.at && a.autoCheckOutAt === b.autoCheckOutAt && a.people === b.people;

const keyOf = (e: { id: string; op: string }) => `${e.id}|${e.op}`;

interface StoredRow {
  id: string;
  op: Op;
  venue_id: string | null;
  at: string | number;
  auto_checkout_at: string | number | null;
  people: number | null;
}
const nullableNumber = (x: string | number | null) => (x === null ? null : Number(x));

/**
 * Validate and store a batch; one result per item, in order. Exactly-once effect under retries: a replay has the
 * same (id, op, at), the table's primary key (its days are partitions, migration 7), and `on conflict do nothing`
 * stores nothing; an (id, op) stored on any day under another `at` is looked up in the same statement and not
 * inserted. A replay is told apart from a different event under a used id by comparing the stored fields.
 */
export async function ingestCheckIns(
  db: Queryable,
  items: readonly IdentifiedItem[],
  now: UnixSeconds,
): Promise<ItemResult[]> {
  const outcome: (ProvedEvent | ItemCode)[] = items.map((item) => validateItem(item, now));

  const venueIds = [...new Set(outcome.flatMap((e) => (typeof e === 'object' && e.venueId ? [e.venueId] : [])))];
  const codes = await venueCodes(db, venueIds);
  outcome.forEach((e, i) => {
    if (typeof e !== 'object' || e.venueId === null) return;
    const known = codes.get(e.venueId);
    if (!known) outcome[i] = 'VENUE_UNKNOWN';
    else if (!known.some((code) => checkInProofOf(e.id, code) === e.proof)) outcome[i] = 'CHECKIN_PROOF_INVALID';
  });

  // A check-out ends a check-in stored before or accepted in this batch (in any order: the batch is stored as one
  // statement); anything else would only be a row nobody can tie to a visit.
  const inBatch = new Set(outcome.flatMap((e) => (typeof e === 'object' && e.op === 'checkin' ? [e.id] : [])));
  const isOpenCheckout = (e: ProvedEvent | ItemCode): e is ProvedEvent =>
    typeof e === 'object' && e.op === 'checkout' && !inBatch.has(e.id);
  const storedIds = await storedCheckIns(
    db,
    outcome.filter(isOpenCheckout).map((e) => e.id),
  );
  outcome.forEach((e, i) => {
    if (isOpenCheckout(e) && !storedIds.has(e.id)) outcome[i] = 'CHECKOUT_UNKNOWN';
  });

  // First occurrence of each (id, op) in the batch goes to the database; later ones compare against it.
  const firstAt = new Map<string, number>();
  const toInsert: Event[] = [];
  outcome.forEach((e, i) => {
    if (typeof e !== 'object') return;
    if (!firstAt.has(keyOf(e))) {
      firstAt.set(keyOf(e), i);
      toInsert.push(e);
    }
  });

  const inserted = new Set<string>();
  if (toInsert.length > 0) {
    // Rows go in key order: two replicas inserting overlapping batches (a phone's retry, resent in another
    // order) then wait for each other's keys in one order instead of deadlocking (test/server/two-servers.test.ts
    // sends such batches; without the sort most of its runs get a deadlock → HTTP 500). `not exists` probes each
    // day's primary-key index for the (id, op): one index lookup per kept day and item.
    const rows = await db.query<{ id: string; op: string }>(
      `insert into checkin_events (id, op, venue_id, at, auto_checkout_at, people)
       select id, op, venue_id, at, auto_checkout_at, people
       from unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::smallint[])
         as t(id, op, venue_id, at, auto_checkout_at, people)
       where not exists (select 1 from checkin_events e where e.id = t.id and e.op = t.op)
       order by id, op, at
       on conflict (id, op, at) do nothing
       returning id, op`,
      [
        toInsert.map((e) => e.id),
        toInsert.map((e) => e.op),
        toInsert.map((e) => e.venueId),
        toInsert.map((e) => e.at),
        toInsert.map((e) => e.autoCheckOutAt),
        toInsert.map((e) => e.people),
      ],
    );
    for (const r of rows) inserted.add(keyOf(r));
  }

  // Conflicts (retries, mostly): read what is stored to tell a replay from a different event.
  const conflicting = toInsert.filter((e) => !inserted.has(keyOf(e)));
  const stored = new Map<string, Event>();
  if (conflicting.length > 0) {
    const rows = await db.query<StoredRow>(
      `select e.id, e.op, e.venue_id, e.at, e.auto_checkout_at, e.people
       from checkin_events e join unnest($1::text[], $2::text[]) as k(id, op) on e.id = k.id and e.op = k.op`,
      [conflicting.map((e) => e.id), conflicting.map((e) => e.op)],
    );
    for (const r of rows) {
      stored.set(keyOf(r), {
        id: r.id,
        op: r.op,
        venueId: r.venue_id,
        at: Number(r.at),
        autoCheckOutAt: nullableNumber(r.auto_checkout_at),
        people: r.people,
      });
    }
  }

  return outcome.map((e, i): ItemResult => {
    const { id, op } = items[i];
    if (typeof e !== 'object') return { id, op, status: 'rejected', code: e };
    const key = keyOf(e);
    if (firstAt.get(key) === i && inserted.has(key)) return { id, op, status: 'stored' };
    // Compared with what the database holds, or, for a repeat within this batch of a new event, with it.
    const reference = stored.get(key) ?? (outcome[firstAt.get(key) ?? -1] as Event | undefined);
    return reference && sameEvent(reference, e)
      ? { id, op, status: 'duplicate' }
      : { id, op, status: 'rejected', code: 'ITEM_CONFLICT' };
  });
}

export type OccupancyLevel = 'low' | 'medium' | 'high' | 'full';

export interface Occupancy {
  readonly venueId: string;
  /** People inside now: check-ins with at ≤ now < min(check-out, auto check-out). */
  readonly active: number;
  /** People whose visit began within the last day and has ended by now (checked out, or automatically). */
  readonly left: number;
  readonly capacity: number;
  readonly level: OccupancyLevel | null;
  readonly at: UnixSeconds;
}

export function levelOf(active: number, capacity: number): OccupancyLevel | null {
  if (capacity <= 0) return null;
  const ratio = active / capacity;
  return ratio < 0.5 ? 'low' : ratio < 0.8 ? 'medium' : ratio < 1 ? 'high' : 'full';
}

/**
 * How far past its capacity a venue's count may go before it is implausible: people who leave without checking
 * out count until their automatic check-out, so a full venue can briefly read above 100 %, not above 200 %.
 */
export const PLAUSIBLE_OCCUPANCY_FACTOR = 2;

export interface OccupancyReading {
  /** What the API answers: `active` capped at capacity × PLAUSIBLE_OCCUPANCY_FACTOR (capacity 0: not capped). */
  readonly occupancy: Occupancy;
  /** The uncapped sum: above the cap, the uploads for this venue are implausible and the operator is told. */
  readonly counted: number;
  readonly implausible: boolean;
}

/**
 * People at a venue now, and how many of the last day's visitors have left. A visit ends at its check-out or its
 * automatic check-out, whichever is first (`least` skips a missing check-out). Undefined: no such venue.
 */
export async function readOccupancy(
  db: Queryable,
  venueId: string,
  now: UnixSeconds,
): Promise<OccupancyReading | undefined> {
  const venues = await db.query<{ capacity: number }>('select capacity from venues where id = $1', [venueId]);
  if (venues.length === 0) return undefined;
  const [{ active, ended }] = await db.query<{ active: string | number | null; ended: string | number | null }>(
    `select coalesce(sum(c.people) filter (where least(o.at, c.auto_checkout_at) > $2), 0) as active,
            coalesce(sum(c.people) filter (where least(o.at, c.auto_checkout_at) <= $2), 0) as ended
     from checkin_events c
     left join checkin_events o on o.id = c.id and o.op = 'checkout'
     where c.op = 'checkin' and c.venue_id = $1 and c.at <= $2 and c.at > $2 - $3`,
    [venueId, now, MAX_STAY_SECONDS],
  );
  const capacity = venues[0].capacity;
  const counted = Number(active);
  const cap = capacity > 0 ? capacity * PLAUSIBLE_OCCUPANCY_FACTOR : Number.POSITIVE_INFINITY;
  const n = Math.min(counted, cap);
  return {
    occupancy: { venueId, active: n, left: Number(ended), capacity, level: levelOf(n, capacity), at: now },
    counted,
    implausible: counted > cap,
  };
}
