/**
 * Screen-level gates derived from core's decision checks, so the UI can say once, prominently, what every
 * decision would say: "update Singgah" (APP_TOO_OLD — then no decision is shown at all) and "your phone's
 * clock is wrong" / "rules expired" / "no rules yet" (core rules-cause.ts). Pure: the app version and times are parameters.
 */
import type { BundlePayload } from '../core/bundle';
import { blockingReason, type DecisionContext } from '../core/eligibility';
import { type RulesCause, rulesCause } from '../core/rules-cause';
import type { Venue } from '../core/venue';

/** Only its category is read, and only after the checks that matter here. */
const ANY_VENUE: Venue = {
  id: 'gate',
  name: 'gate',
  address: 'gate',
  category: 'gate',
  region: '00',
  capacity: 0,
  stayMinutes: 1,
  kid: '0000',
  issuedAt: 0,
};

export interface UpdateRequired {
  /** The bundle's minAppVersion. */
  readonly required: string;
  /** This build's version. */
  readonly running: string;
}

/**
 * The stored bundle needs a newer app (core's APP_TOO_OLD, with core's own version comparison). Time plays
 * no part: it is asked at the bundle's issuedAt, where neither the clock nor staleness can block first.
 */
export function updateRequired(bundle: BundlePayload | undefined, appVersion: string): UpdateRequired | undefined {
  if (!bundle) return undefined;
  const reason = blockingReason({ bundle, now: bundle.issuedAt, trustedTime: 0, appVersion }, ANY_VENUE);
  return reason?.code === 'APP_TOO_OLD' ? { required: bundle.minAppVersion, running: appVersion } : undefined;
}

/**
 * Why no rules can be used now (core rules-cause.ts: clock ahead or behind, rules expired, never synced), for the
 * one banner that says it. Undefined when the rules are usable, or when the app is too old (the update screen
 * speaks then), or for "never synced" before the first download attempt has ended (no flash of "no rules" at
 * start).
 */
export function rulesProblem(ctx: DecisionContext, attempted: boolean): RulesCause | undefined {
  if (blockingReason(ctx, ANY_VENUE)?.code === 'APP_TOO_OLD') return undefined;
  const cause = rulesCause(ctx);
  return cause?.code === 'NEVER_SYNCED' && !attempted ? undefined : cause;
}
