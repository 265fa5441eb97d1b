/**
 * Exposure matching, on the phone: a notice says "a case was at venue V from `from` to `to`"; a visit was at
 * V from check-in to check-out (or the automatic check-out when the user never checked out). The overlap of
 * the two windows decides the level — ≥ 15 minutes is high, anything above zero is low, and windows that only
 * touch (one ends the second the other begins) do not overlap at all. The history never leaves the phone for
 * this: the notices come down, the matching happens here (Corona-Warn-App, NZ COVID Tracer — ANCHORS.md).
 *
 * Why 15 minutes: the usual close-contact definition (WHO, and Indonesia's PeduliLindungi contact tracing).
 * Corona-Warn-App uses 10 for its event check-ins; the threshold is one constant here.
 */
import type { UnixSeconds } from './schema';

export type ExposureLevel = 'high' | 'low';

/** Overlap at or above this many seconds is a high-level exposure. */
export const HIGH_EXPOSURE_SECONDS = 15 * 60;

/** What the matcher needs of a verified notice. */
export interface NoticeWindow {
  readonly seq: number;
  readonly venueId: string;
  readonly from: UnixSeconds;
  readonly to: UnixSeconds;
}

/** What the matcher needs of a visit (a stored check-in). */
export interface Stay {
  readonly id: string;
  readonly venueId: string;
  readonly checkedInAt: UnixSeconds;
  readonly checkedOutAt?: UnixSeconds;
  readonly autoCheckOutAt: UnixSeconds;
  /** Who was checked in together (holder keys): an exposure concerns each of them. */
  readonly people: readonly string[];
}

export interface ExposureMatch {
  /** The notice's sequence number and the check-in's id: together the match's identity. */
  readonly seq: number;
  readonly checkInId: string;
  readonly venueId: string;
  readonly level: ExposureLevel;
  readonly overlapSeconds: number;
  /** The overlapping window itself (when the person and the case were there together). */
  readonly from: UnixSeconds;
  readonly to: UnixSeconds;
  readonly people: readonly string[];
}

/** End of a stay: the check-out, or the automatic check-out when there was none. */
export const stayEnd = (s: Stay): UnixSeconds => s.checkedOutAt ?? s.autoCheckOutAt;

/** Seconds the two half-open windows [aFrom, aTo) and [bFrom, bTo) share; 0 when they touch or are apart. */
export function overlapSeconds(aFrom: UnixSeconds, aTo: UnixSeconds, bFrom: UnixSeconds, bTo: UnixSeconds): number {
  return Math.max(0, Math.min(aTo, bTo) - Math.max(aFrom, bFrom));
}

export function levelOf(overlap: number): ExposureLevel | undefined {
  if (overlap >= HIGH_EXPOSURE_SECONDS) return 'high';
  return overlap > 0 ? 'low' : undefined;
}

/** One notice against one stay: a match, or undefined (other venue, no overlap, or a malformed window). */
export function matchStay(notice: NoticeWindow, stay: Stay): ExposureMatch | undefined {
  if (notice.venueId !== stay.venueId) return undefined;
  const end = stayEnd(stay);
  if (!(notice.to > notice.from) || !(end > stay.checkedInAt)) return undefined;
  const overlap = overlapSeconds(notice.from, notice.to, stay.checkedInAt, end);
  const level = levelOf(overlap);
  if (!level) return undefined;
  const from = Math.max(notice.from, stay.checkedInAt);
  return {
    seq: notice.seq,
    checkInId: stay.id,
    venueId: stay.venueId,
    level,
    overlapSeconds: overlap,
    from,
    to: from + overlap,
    people: stay.people,
  };
}

/**
 * Every (notice, stay) pair that overlaps. Stays are grouped by venue first, so the cost is the number of
 * notices plus the matches, not notices × history.
 */
export function matchExposures(notices: readonly NoticeWindow[], stays: readonly Stay[]): ExposureMatch[] {
  const byVenue = new Map<string, Stay[]>();
  for (const s of stays) {
    const list = byVenue.get(s.venueId);
    if (list) list.push(s);
    else byVenue.set(s.venueId, [s]);
  }
  const matches: ExposureMatch[] = [];
  for (const n of notices)
    for (const s of byVenue.get(n.venueId) ?? []) {
      const m = matchStay(n, s);
      if (m) matches.push(m);
    }
  return matches;
}

/** The most serious level among matches (high beats low), or undefined for none. */
export function highestLevel(matches: readonly Pick<ExposureMatch, 'level'>[]): ExposureLevel | undefined {
  if (matches.some((m) => m.level === 'high')) return 'high';
  return matches.length > 0 ? 'low' : undefined;
}

/**
 * The exposure times that count as a **confirmed** close contact for one person, for core eligibility's
 * `confirmedExposures` (the status rules decide what follows, e.g. black for 10 days): the start of every
 * high-level overlap of a visit that person was checked in on. A low-level match is shown as an alert but does
 * not change anyone's status — a brief overlap is not close contact.
 */
export function confirmedExposureTimes(matches: readonly ExposureMatch[], holderKey: string): UnixSeconds[] {
  return matches.filter((m) => m.level === 'high' && m.people.includes(holderKey)).map((m) => m.from);
}
