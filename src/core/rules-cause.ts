/**
 * Why the phone's rules cannot be used right now, named by its real cause so the advice fits: the phone's clock
 * is ahead of the server's, or behind the latest trusted time; the rules are past expiry + grace; or no rules
 * were ever obtained. One function decides it, and eligibility's CANNOT_VERIFY reasons come from the same
 * function, so the banner and every decision always agree.
 */
import type { BundlePayload } from './bundle';
import type { UnixSeconds } from './schema';

/** Clock tolerance before any rules are stored (then the signed policy's clockSkewSeconds applies). */
export const DEFAULT_CLOCK_SKEW_SECONDS = 300;

export type RulesCause =
  /** The phone's clock is ahead of the server's by more than the skew; `serverTime` = the server's now. */
  | { readonly code: 'CLOCK_AHEAD'; readonly serverTime: UnixSeconds }
  /** The phone's clock is behind the highest trusted time (or the server's now) by more than the skew. */
  | { readonly code: 'CLOCK_BEHIND'; readonly serverTime: UnixSeconds }
  /** The stored rules ended at `endedAt` (expiresAt + stale grace) by a clock the server does not contradict. */
  | { readonly code: 'RULES_EXPIRED'; readonly endedAt: UnixSeconds }
  /** No usable rules were ever stored on this phone. */
  | { readonly code: 'NEVER_SYNCED' };

export type RulesCauseCode = RulesCause['code'];

export interface RulesCauseInput {
  readonly bundle: Pick<BundlePayload, 'expiresAt' | 'policy'> | undefined;
  /** The phone's clock. */
  readonly now: UnixSeconds;
  /** Highest time vouched for by something signed (bundle issuedAt, capped server time). Never lowered. */
  readonly trustedTime: UnixSeconds;
  /**
   * The server's clock minus the phone's, from the `Date` header of the last rules download (any answer that
   * arrived, refused ones included). Unsigned, so it only ever turns a decision into CANNOT_VERIFY, never
   * into ALLOWED. Undefined when no server answer was seen.
   */
  readonly serverOffset?: number;
}

/**
 * The cause, or undefined when the rules are usable at `now`. Order: a clock the server contradicts comes first
 * (with the clock 60 days ahead, rules look expired and a download is refused as expired — the clock is what to
 * fix); then no rules; then a clock behind trusted time; then rules genuinely past expiry + grace.
 */
export function rulesCause(i: RulesCauseInput): RulesCause | undefined {
  const skew = i.bundle?.policy.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS;
  const serverNow = i.serverOffset === undefined ? undefined : i.now + i.serverOffset;
  if (serverNow !== undefined && i.now > serverNow + skew) return { code: 'CLOCK_AHEAD', serverTime: serverNow };
  if (!i.bundle) return { code: 'NEVER_SYNCED' };
  const floor = Math.max(i.trustedTime, serverNow ?? 0);
  if (i.now < floor - skew) return { code: 'CLOCK_BEHIND', serverTime: floor };
  const endedAt = i.bundle.expiresAt + i.bundle.policy.staleGraceSeconds;
  if (i.now > endedAt) return { code: 'RULES_EXPIRED', endedAt };
  return undefined;
}
