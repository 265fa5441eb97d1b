/**
 * When to try an upload again after a failure: exponential backoff with **full jitter** (AWS Architecture
 * Blog, "Exponential Backoff And Jitter"): the delay is drawn uniformly from [0, min(cap, base · 2^attempt)].
 * Full jitter spreads phones that failed together (a server restart) so they do not come back in lockstep.
 * A server's Retry-After is a floor: we never come back earlier than it asked.
 *
 * Pure: time and randomness are parameters (`random` in [0, 1)), so tests pin every value.
 */
import type { UnixSeconds } from './schema';

export interface BackoffPolicy {
  /** Upper bound of the first retry's delay, seconds. */
  readonly baseSeconds: number;
  /** No delay exceeds this, however many failures in a row. */
  readonly capSeconds: number;
}

/** A first retry within 5 s, never more than 15 minutes apart while the app is open. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseSeconds: 5, capSeconds: 15 * 60 };

/**
 * The delay before retry number `attempt + 1`, after `attempt` consecutive failures (0 = the first failure),
 * in seconds. `retryAfterSeconds` (the server's Retry-After, already parsed) raises the result to at least
 * that much, even past the cap: the server knows its own load.
 */
export function backoffDelay(
  attempt: number,
  random: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  retryAfterSeconds?: number,
): number {
  const n = Number.isFinite(attempt) && attempt > 0 ? Math.floor(attempt) : 0;
  // 2^n overflows to Infinity past 1023; min() with the cap keeps it finite.
  const ceiling = Math.min(policy.capSeconds, policy.baseSeconds * 2 ** Math.min(n, 1023));
  const r = Number.isFinite(random) ? Math.min(Math.max(random, 0), 1) : 0;
  const jittered = ceiling * r;
  const floor = retryAfterSeconds !== undefined && retryAfterSeconds > 0 ? retryAfterSeconds : 0;
  return Math.max(jittered, floor);
}

/** When the next attempt is due: `now` + backoffDelay(…). */
export function nextAttemptAt(
  now: UnixSeconds,
  attempt: number,
  random: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  retryAfterSeconds?: number,
): UnixSeconds {
  return now + backoffDelay(attempt, random, policy, retryAfterSeconds);
}

/**
 * Parse an HTTP Retry-After value (RFC 9110 §10.2.3): either delay-seconds or an HTTP-date. Returns seconds
 * from `now`, or undefined when absent or unreadable. A date in the past means "now" (0).
 */
export function parseRetryAfter(value: string | null | undefined, now: UnixSeconds): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d{1,10}$/.test(trimmed)) return Number(trimmed);
  // HTTP-dates always name the day or month (RFC 9110 §5.6.7); a bare number such as "-5" is not one.
  if (!/[A-Za-z]{3}/.test(trimmed)) return undefined;
  const ms = Date.parse(trimmed);
  if (!Number.isFinite(ms)) return undefined;
  return Math.max(0, Math.floor(ms / 1000) - now);
}
