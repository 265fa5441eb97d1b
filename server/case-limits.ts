/**
 * What a case upload may claim: only what a phone can have recorded under the signed rules in force. A phone
 * checks in by scanning a venue's poster and checks out by hand or automatically after the stay chosen at the
 * door, which core caps at `maxStayMinutes` (src/core/stay.ts); it deletes check-ins after `retentionDays`.
 * So a visit longer than that cap, or older than that retention, is not a phone's record but a claim, and one
 * code must not be able to flag venues for weeks. The server cannot read a sealed report: `singgah case review`
 * checks each visit when it opens one (server/case-review.ts).
 */
import type { BundlePolicy } from '../src/core/bundle';
import type { UnixSeconds } from '../src/core/schema';
import { maxStayMinutes } from '../src/core/stay';

/** Visits, and so notices, per case code (a code is single-use); why 100: core case-seal.ts. */
export { MAX_CASE_VISITS } from '../src/core/case-seal';

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
