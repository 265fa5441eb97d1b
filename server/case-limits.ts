/**
 * What a case upload may claim: only what a phone can have recorded under the signed rules in force. A phone
 * checks in by scanning a venue's poster and checks out by hand or automatically after the stay chosen at the
 * door, which core caps at `maxStayMinutes` (src/core/stay.ts); it deletes check-ins after `retentionDays`.
 * So a visit longer than that cap, or older than that retention, is not a phone's record but a claim, and one
 * code must not be able to flag venues for weeks.
 */
import type { BundlePolicy } from '../src/core/bundle';
import type { UnixSeconds } from '../src/core/schema';
import { maxStayMinutes } from '../src/core/stay';

/**
 * Visits, and so notices, per case code (a code is single-use). The phone offers the visits of the last 14
 * days; OPERATIONS.md plans for 3 check-ins a day per active user, and 100 allows 7 every day for two weeks —
 * more than twice that — while bounding what one code can publish. A person with more (a courier) is traced by
 * the health officer, who publishes notices by hand (`singgah notice publish`).
 */
export const MAX_CASE_VISITS = 100;

export interface CaseVisitProblem {
  readonly code: 'TIME_TOO_OLD' | 'PAYLOAD_OUT_OF_RANGE';
  readonly message: string;
}

/** Whether a visit fits the policy: undefined if it does, else why not. */
export function checkCaseVisit(
  visit: { readonly from: UnixSeconds; readonly to: UnixSeconds },
  venueStayMinutes: number,
  policy: BundlePolicy,
  now: UnixSeconds,
): CaseVisitProblem | undefined {
  if (visit.from < now - policy.retentionDays * 86_400) {
    return { code: 'TIME_TOO_OLD', message: `began more than ${policy.retentionDays} days ago (the retention)` };
  }
  const cap = maxStayMinutes({ stayMinutes: venueStayMinutes }, policy);
  if (visit.to - visit.from > cap * 60) {
    return { code: 'PAYLOAD_OUT_OF_RANGE', message: `longer than the ${cap} minutes a stay may last there` };
  }
  return undefined;
}
