/**
 * Which visits the model holds for History, Home and the check-in screen: pages of the store's
 * `[checkedInAt, id]` cursor, newest first. AppModel keeps the state (the oldest visit shown, the read in
 * flight); this module decides how far a re-read goes.
 */
import type { UnixSeconds } from '../core/schema';
import {
  type CheckInPage,
  type CheckInPosition,
  type CheckInRecord,
  isActiveCheckIn,
  type StoreResult,
} from '../store';

/** Visits per history page. */
export const HISTORY_PAGE = 50;
/** The longest a visit stays open: core's venue format caps the default stay at 1440 minutes. */
const MAX_STAY_SECONDS = 1440 * 60;

/** History order is [checkedInAt, id] descending (the store's index): is `a` before (newer than) `b`? */
export const isNewer = (a: CheckInPosition, b: CheckInPosition) =>
  a.checkedInAt > b.checkedInAt || (a.checkedInAt === b.checkedInAt && a.id > b.id);

export const positionOf = (c: CheckInRecord | undefined): CheckInPosition | undefined =>
  c && { checkedInAt: c.checkedInAt, id: c.id };

export type ReadPage = (query: {
  readonly before?: CheckInPosition;
  readonly limit: number;
}) => Promise<StoreResult<CheckInPage>>;

/**
 * Read the history again from the newest visit: page by page down to `end` (the oldest visit shown so far) — so
 * pages read stay read and a new visit is added on top — and on while the last one read could still be open (a
 * stay is at most MAX_STAY_SECONDS), so no active visit is missed. The first page is at least `shown` long.
 * Undefined when a page failed or `isCurrent()` turned false (a newer read started): the caller keeps its list.
 */
export async function readHistory(
  readPage: ReadPage,
  from: { readonly end?: CheckInPosition; readonly shown: number; readonly now: UnixSeconds },
  isCurrent: () => boolean,
): Promise<{ items: CheckInRecord[]; next?: CheckInPosition } | undefined> {
  const { end, now } = from;
  const items: CheckInRecord[] = [];
  let next: CheckInPosition | undefined;
  do {
    const limit = next ? HISTORY_PAGE : Math.max(HISTORY_PAGE, from.shown);
    const r = await readPage(next ? { before: next, limit } : { limit });
    if (!r.ok || !isCurrent()) return undefined;
    items.push(...r.value.items);
    next = r.value.next;
  } while (next && ((end && isNewer(next, end)) || next.checkedInAt + MAX_STAY_SECONDS > now));
  // Pages may reach past what is needed: keep one page at least, down to the old end and the oldest open visit.
  let keep = items.length;
  while (keep > HISTORY_PAGE) {
    const c = items[keep - 1] as CheckInRecord;
    if ((end && !isNewer(end, c)) || isActiveCheckIn(c, now)) break;
    keep--;
  }
  if (keep < items.length) {
    items.length = keep;
    next = positionOf(items[keep - 1]);
  }
  return { items, next };
}
