/**
 * The shapes of the sync engine's records in `meta` (`sync`, `deadLetters`, `exposures`): their read-back schemas
 * and types. Apart from sync-state.ts, which keeps the repositories, so the database schema (schema.ts) and the
 * read-back checks (records.ts) can name them without importing the code that runs inside the store.
 */
import * as v from 'valibot';

const seconds = v.pipe(v.number(), v.finite());
const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const op = v.picklist(['checkin', 'checkout']);

export const syncStateSchema = v.object({
  /** The last sync whose upload and pulls all reached the server. */
  lastSuccessAt: v.optional(seconds),
  lastAttemptAt: v.optional(seconds),
  /** Why the last attempt failed (a sync error code), absent after a success. */
  lastError: v.optional(v.string()),
  /** Consecutive failed attempts: the backoff exponent. */
  failures: count,
  /** No automatic sync before this (backoff, or the server's Retry-After); "sync now" ignores it. */
  nextAttemptAt: v.optional(seconds),
});
export type SyncStateRecord = v.InferOutput<typeof syncStateSchema>;

export const INITIAL_SYNC_STATE: SyncStateRecord = { failures: 0 };

export const deadLetterSchema = v.object({
  id: v.string(),
  op,
  createdAt: seconds,
  /** The server's error code for the item, or HTTP_<status> when the whole request was refused. */
  code: v.string(),
  failedAt: seconds,
});
export type DeadLetterRecord = v.InferOutput<typeof deadLetterSchema>;

export const exposureRecordSchema = v.object({
  seq: count,
  checkInId: v.string(),
  venueId: v.string(),
  /** The visit's venue name, copied at match time so the alert can name it without reading the history. */
  venueName: v.optional(v.string()),
  level: v.picklist(['high', 'low']),
  overlapSeconds: seconds,
  from: seconds,
  to: seconds,
  people: v.array(v.string()),
  matchedAt: seconds,
  /** Set once a system notification was shown for it (never twice). */
  notifiedAt: v.optional(seconds),
  /** The user deleted the visit: the match is held (EXPOSURE_HOLD_SECONDS) so its black status stays in force. */
  visitDeleted: v.optional(v.literal(true)),
});
export type ExposureRecord = v.InferOutput<typeof exposureRecordSchema>;

export const deadLettersSchema = v.array(deadLetterSchema);
export const exposuresSchema = v.array(exposureRecordSchema);
