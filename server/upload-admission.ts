/**
 * The rate-limit key of a check-in upload (server/rate-limit.ts): the venue whose signed QR the request's first
 * check-in proves. Phones behind one carrier address upload one visit per request, so their uploads spread over
 * the venues they visited, each venue a budget of its own; an abuser with one poster gets one venue's budget.
 *
 * A venue's budget grows with its capacity (venueShareOf: a mall's crowd behind one address needs more than a
 * kiosk's), up to MAX_VENUE_SHARE. The proof is checked here, before the budgets, against the venue's codes kept in memory (a bounded cache
 * filled from `venue_codes`): claiming a venue id without its QR, or inventing ids, does not buy a key. Those
 * requests share the address's UNPROVEN key; uploads of check-outs alone share a wider CHECKOUT key. A cache miss costs one indexed
 * read, itself budgeted per address (LOOKUP key, LOOKUP_SHARE keys' worth: a cold cache after a restart must
 * not throttle a NAT full of phones, a flood of invented venues must not become a flood of reads).
 */
import { checkInProofOf } from '../src/core/checkin-upload';
import type { Queryable } from './db';

/** Venues whose codes are kept; beyond it the least recently used is forgotten (one more read when it returns). */
export const MAX_CACHED_VENUES = 50_000;
/** The key of uploads that prove no venue (no check-in, an unknown venue, a wrong proof). */
export const UNPROVEN_KEY = 'checkins unproven';
/** The key of uploads carrying check-outs only (their check-in went before): no venue to key them by. */
export const CHECKOUT_KEY = 'checkins checkout only';
/** The key of venue-code reads on a cache miss. */
export const LOOKUP_KEY = 'checkins venue lookup';
/** The look-up and check-out-only budgets, in keys' worth: many phones behind one address share them. */
export const LOOKUP_SHARE = 10;
/** A venue's budget grows with its capacity: one key's worth per this many places, up to MAX_VENUE_SHARE. */
export const PLACES_PER_SHARE = 100;
/** A venue key is never wider than this many keys' worth: the biggest poster buys an abuser this much. */
export const MAX_VENUE_SHARE = 10;

/** The budget of a venue of `capacity` places (0: not set), in keys' worth. */
export const venueShareOf = (capacity: number): number =>
  Math.min(MAX_VENUE_SHARE, Math.max(1, Math.floor(capacity / PLACES_PER_SHARE)));

/** What the key needs from the first check-in item; anything else is left to the ingestion's checks. */
export interface ClaimedVisit {
  readonly id: string;
  readonly venueId: string;
  readonly proof: string;
}

/** The first item that claims a venue (a check-in with string id, venue and proof), if any. */
export function claimedVisitOf(items: readonly unknown[]): ClaimedVisit | undefined {
  for (const item of items) {
    if (typeof item !== 'object' || item === null) continue;
    const { op, id, venueId, proof } = item as Record<string, unknown>;
    if (op === 'checkin' && typeof id === 'string' && typeof venueId === 'string' && typeof proof === 'string') {
      return { id, venueId, proof };
    }
  }
  return undefined;
}

const proves = (visit: ClaimedVisit, codes: readonly string[]) =>
  codes.some((code) => checkInProofOf(visit.id, code) === visit.proof);

interface CachedVenue {
  readonly codes: readonly string[];
  readonly share: number;
}

/** Venue id → every code signed for it and its budget, least recently used first (a Map keeps insertion order). */
export class VenueCodeCache {
  private readonly codes = new Map<string, CachedVenue>();

  constructor(
    private readonly db: Queryable,
    private readonly max: number = MAX_CACHED_VENUES,
  ) {}

  /** The venue's budget when the cached codes prove `visit`; undefined when not cached or a newer code may. */
  provesCached(visit: ClaimedVisit): number | undefined {
    const venue = this.codes.get(visit.venueId);
    if (venue === undefined) return undefined;
    this.codes.delete(visit.venueId);
    this.codes.set(visit.venueId, venue);
    // A miss may be a code signed after it was cached (a re-signed poster): the caller reads again.
    return proves(visit, venue.codes) ? venue.share : undefined;
  }

  /**
   * Read the venue's codes and capacity; its budget when they prove `visit`. Cached only when the venue exists:
   * an unknown one may be registered any time.
   */
  async provesRead(visit: ClaimedVisit): Promise<number | undefined> {
    const rows = await this.db.query<{ code: string; capacity: number }>(
      'select c.code, v.capacity from venue_codes c join venues v on v.id = c.venue_id where c.venue_id = $1',
      [visit.venueId],
    );
    const first = rows[0];
    if (!first) return undefined;
    const venue = { codes: rows.map((r) => r.code), share: venueShareOf(Number(first.capacity)) };
    this.codes.delete(visit.venueId);
    if (this.codes.size >= this.max) this.codes.delete(this.codes.keys().next().value as string);
    this.codes.set(visit.venueId, venue);
    return proves(visit, venue.codes) ? venue.share : undefined;
  }

  get size(): number {
    return this.codes.size;
  }
}

/** Where an upload stands before its budget: refused already (a 429), or the key to charge. */
export type UploadKey = { readonly refused: Response } | { readonly key: string; readonly share?: number };

/**
 * The key for an upload of `items`; `refuse` is the admission's check (server/rate-limit.ts `Admission.refuse`
 * bound to the request), used here for the look-up budget on a cache miss.
 */
export async function uploadKeyOf(
  items: readonly unknown[],
  cache: VenueCodeCache,
  refuse: (key: string, share: number) => Response | undefined,
): Promise<UploadKey> {
  const visit = claimedVisitOf(items);
  if (!visit) {
    const checkOutsOnly = items.length > 0 && items.every((i) => (i as { op?: unknown }).op === 'checkout');
    return checkOutsOnly ? { key: CHECKOUT_KEY, share: LOOKUP_SHARE } : { key: UNPROVEN_KEY };
  }
  const cached = cache.provesCached(visit);
  if (cached !== undefined) return { key: `venue ${visit.venueId}`, share: cached };
  const refused = refuse(LOOKUP_KEY, LOOKUP_SHARE);
  if (refused) return { refused };
  const share = await cache.provesRead(visit);
  return share === undefined ? { key: UNPROVEN_KEY } : { key: `venue ${visit.venueId}`, share };
}
