/**
 * Operator reports from uploaded check-ins (only what phones chose to upload: no names, no devices) and the
 * notices table. Counting rules match the occupancy endpoint (server/checkins.ts): a check-in counts while
 * neither its check-out nor its automatic check-out has passed, and only for the last 24 hours.
 */
import type { UnixSeconds } from '../src/core/schema';
import { levelOf, MAX_STAY_SECONDS, type OccupancyLevel } from './checkins';
import type { Queryable } from './db';

export interface VenueOccupancy {
  readonly id: string;
  readonly name: string;
  readonly region: string;
  readonly capacity: number;
  readonly active: number;
  readonly level: OccupancyLevel | null;
}

/** People inside each venue at `now`, fullest first (ties by id); `region` filters by province or regency. */
export async function reportOccupancy(
  db: Queryable,
  now: UnixSeconds,
  options: { readonly region?: string; readonly limit: number },
): Promise<VenueOccupancy[]> {
  const rows = await db.query<{ id: string; name: string; region: string; capacity: number; active: string | number }>(
    `select v.id, v.name, v.region, v.capacity, coalesce(a.active, 0) as active
     from venues v
     left join (
       select c.venue_id, sum(c.people) as active
       from checkin_events c
       left join checkin_events o on o.id = c.id and o.op = 'checkout'
       where c.op = 'checkin' and c.at <= $1 and c.at > $1 - $2 and least(o.at, c.auto_checkout_at) > $1
       group by c.venue_id
     ) a on a.venue_id = v.id
     where $3::text is null or v.region = $3 or left(v.region, 2) = $3
     order by active desc, v.id
     limit $4`,
    [now, MAX_STAY_SECONDS, options.region ?? null, options.limit],
  );
  return rows.map((r) => {
    const active = Number(r.active);
    return { ...r, active, level: levelOf(active, r.capacity) };
  });
}

export interface HourCount {
  /** Start of the hour, Unix seconds (UTC hours: Indonesia spans three time zones). */
  readonly hour: UnixSeconds;
  readonly checkIns: number;
  readonly people: number;
}

/**
 * Check-ins per hour at venues of `region` (a 2-digit province covers its regencies) with `from ≤ at < to`.
 * Hours without check-ins are listed with zeros, so a gap in the report is a real gap.
 */
export async function reportHourly(
  db: Queryable,
  region: string,
  from: UnixSeconds,
  to: UnixSeconds,
): Promise<HourCount[]> {
  const rows = await db.query<{ hour: string | number; checkins: string | number; people: string | number }>(
    `select (c.at / 3600) * 3600 as hour, count(*) as checkins, sum(c.people) as people
     from checkin_events c
     join venues v on v.id = c.venue_id
     where c.op = 'checkin' and (v.region = $1 or left(v.region, 2) = $1) and c.at >= $2 and c.at < $3
     group by 1
     order by 1`,
    [region, from, to],
  );
  const byHour = new Map(rows.map((r) => [Number(r.hour), r]));
  const hours: HourCount[] = [];
  for (let hour = Math.floor(from / 3600) * 3600; hour < to; hour += 3600) {
    const r = byHour.get(hour);
    hours.push({ hour, checkIns: Number(r?.checkins ?? 0), people: Number(r?.people ?? 0) });
  }
  return hours;
}

export interface ActiveNotice {
  readonly seq: number;
  readonly venueId: string;
  readonly venueName: string | null;
  readonly from: UnixSeconds;
  readonly to: UnixSeconds;
  readonly issuedAt: UnixSeconds;
}

/** Notices phones can still match: windows that ended less than `retentionDays` ago (phones keep visits that long). */
export async function listActiveNotices(
  db: Queryable,
  now: UnixSeconds,
  retentionDays: number,
): Promise<ActiveNotice[]> {
  const rows = await db.query<{
    seq: string | number;
    venue_id: string;
    name: string | null;
    window_from: string | number;
    window_to: string | number;
    issued_at: string | number;
  }>(
    `select n.seq, n.venue_id, v.name, n.window_from, n.window_to, n.issued_at
     from notices n left join venues v on v.id = n.venue_id
     where n.window_to > $1
     order by n.seq`,
    [now - retentionDays * 86_400],
  );
  return rows.map((r) => ({
    seq: Number(r.seq),
    venueId: r.venue_id,
    venueName: r.name,
    from: Number(r.window_from),
    to: Number(r.window_to),
    issuedAt: Number(r.issued_at),
  }));
}
