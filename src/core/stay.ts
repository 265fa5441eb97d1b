/**
 * How long a visit may last. A venue's QR sets its default stay (auto check-out); the visitor may choose a
 * longer one at the door — an 8-hour working day at an office whose default is 2 hours — up to the cap in the
 * signed policy (`policy.maxStayMinutes`, DEFAULT_MAX_STAY_MINUTES when the policy does not set it). Without
 * signed rules there is no cap to trust, so only the venue's own default is allowed. A venue whose default is
 * longer than the cap keeps its default.
 */
import type { BundlePolicy } from './bundle';
import { err, ok, type Result } from './errors';
import type { Venue } from './venue';

/** 12 hours: a working day with travel and overtime, well under the one-day limit of the formats. */
export const DEFAULT_MAX_STAY_MINUTES = 720;

/** The longest stay allowed at this venue under this policy (undefined: no signed rules). */
export function maxStayMinutes(venue: Pick<Venue, 'stayMinutes'>, policy: BundlePolicy | undefined): number {
  if (!policy) return venue.stayMinutes;
  return Math.max(venue.stayMinutes, policy.maxStayMinutes ?? DEFAULT_MAX_STAY_MINUTES);
}

/** A chosen stay, in whole minutes from 1 up to the cap; STAY_OUT_OF_RANGE otherwise. */
export function checkStay(
  minutes: number,
  venue: Pick<Venue, 'stayMinutes'>,
  policy: BundlePolicy | undefined,
): Result<number> {
  const cap = maxStayMinutes(venue, policy);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > cap)
    return err('STAY_OUT_OF_RANGE', `${minutes} (1–${cap})`);
  return ok(minutes);
}

/** The stays offered at the door: the venue's default, then every whole hour above it, then the cap itself. */
export function stayChoices(venue: Pick<Venue, 'stayMinutes'>, policy: BundlePolicy | undefined): number[] {
  const cap = maxStayMinutes(venue, policy);
  const choices = [venue.stayMinutes];
  for (let m = (Math.floor(venue.stayMinutes / 60) + 1) * 60; m < cap; m += 60) choices.push(m);
  if (cap > venue.stayMinutes) choices.push(cap);
  return choices;
}
