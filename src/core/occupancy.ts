/**
 * Occupancy limits from the signed policy: "government offices at 50 % of capacity". A limit applies to a venue
 * when its category and region match (a province code covers its regencies; "*" matches all); the first matching
 * limit wins, so an authority lists specific limits before general ones. The count of people inside comes from
 * the server when there is a network (GET /v1/venues/:id/occupancy); this module only compares.
 */
import type { BundlePolicy, OccupancyLimit } from './bundle';
import type { Venue } from './venue';

/** The first limit matching the venue's category and region, if any. */
export function occupancyRuleFor(
  venue: Pick<Venue, 'category' | 'region'>,
  policy: BundlePolicy | undefined,
): OccupancyLimit | undefined {
  return policy?.occupancyLimits?.find(
    (l) =>
      (l.categories.includes('*') || l.categories.includes(venue.category)) &&
      l.regions.some((r) => r === '*' || venue.region === r || venue.region.startsWith(r)),
  );
}

/**
 * How many people may be inside at once: floor(capacity × percent / 100). Undefined when no limit applies or the
 * venue states no capacity (0): a share of an unknown capacity is no number.
 */
export function occupancyLimitOf(
  venue: Pick<Venue, 'category' | 'region' | 'capacity'>,
  policy: BundlePolicy | undefined,
): number | undefined {
  const rule = occupancyRuleFor(venue, policy);
  if (!rule || venue.capacity <= 0) return undefined;
  // Integer arithmetic: 0.5 × 15 must be 7, never 7.000000001 rounded the wrong way.
  return Math.floor((venue.capacity * rule.percent) / 100);
}

export type OccupancyState =
  | { readonly kind: 'no-limit' }
  | { readonly kind: 'room'; readonly inside: number; readonly limit: number; readonly free: number }
  | { readonly kind: 'full'; readonly inside: number; readonly limit: number };

/** Compare a count of people inside with the limit: full when the limit is reached (nobody more may enter). */
export function occupancyState(inside: number, limit: number | undefined): OccupancyState {
  if (limit === undefined) return { kind: 'no-limit' };
  return inside >= limit ? { kind: 'full', inside, limit } : { kind: 'room', inside, limit, free: limit - inside };
}
