/** The retry schedule: exponential ceiling, full jitter, cap, Retry-After as a floor — time and randomness pinned. */
import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF, nextAttemptAt, parseRetryAfter } from '../../src/core/backoff';

const policy = { baseSeconds: 2, capSeconds: 60 };

describe('backoffDelay', () => {
  it('draws from [0, base · 2^attempt]: random 0 → 0, random → 1 → the ceiling', () => {
    expect(backoffDelay(0, 0, policy)).toBe(0);
    expect(backoffDelay(0, 0.5, policy)).toBe(1);
    expect(backoffDelay(0, 0.999999, policy)).toBeCloseTo(2, 4);
    expect(backoffDelay(1, 0.5, policy)).toBe(2);
    expect(backoffDelay(3, 0.5, policy)).toBe(8);
  });

  it('doubles the ceiling per failure until the cap, then stays at the cap', () => {
    const ceilings = [0, 1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, 1, policy));
    expect(ceilings).toEqual([2, 4, 8, 16, 32, 60, 60, 60]);
    expect(backoffDelay(5000, 1, policy)).toBe(60);
    expect(Number.isFinite(backoffDelay(5000, 1, policy))).toBe(true);
  });

  it('is full jitter: every delay is within [0, ceiling] and they spread across it', () => {
    const delays = Array.from({ length: 100 }, (_, i) => backoffDelay(4, i / 100, policy));
    for (const d of delays) {
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(32);
    }
    expect(Math.min(...delays)).toBe(0);
    expect(Math.max(...delays)).toBeGreaterThan(31);
  });

  it('never returns earlier than Retry-After, even past the cap', () => {
    expect(backoffDelay(0, 0, policy, 30)).toBe(30);
    expect(backoffDelay(10, 1, policy, 120)).toBe(120);
    // A shorter Retry-After than the drawn delay changes nothing.
    expect(backoffDelay(3, 0.5, policy, 1)).toBe(8);
  });

  it('treats nonsense input as the first attempt and as random 0', () => {
    expect(backoffDelay(-3, 1, policy)).toBe(2);
    expect(backoffDelay(Number.NaN, 1, policy)).toBe(2);
    expect(backoffDelay(2, Number.NaN, policy)).toBe(0);
    expect(backoffDelay(2, 7, policy)).toBe(8);
  });

  it('has a sane default: first retry within 5 s, never more than 15 min', () => {
    expect(backoffDelay(0, 1)).toBe(DEFAULT_BACKOFF.baseSeconds);
    expect(backoffDelay(100, 1)).toBe(15 * 60);
  });

  it('nextAttemptAt adds the delay to now', () => {
    expect(nextAttemptAt(1_800_000_000, 2, 0.25, policy)).toBe(1_800_000_002);
  });
});

describe('parseRetryAfter', () => {
  const now = 1_800_000_000;
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });
  it('reads an HTTP-date relative to now (past → 0)', () => {
    const in90 = new Date((now + 90) * 1000).toUTCString();
    expect(parseRetryAfter(in90, now)).toBe(90);
    expect(parseRetryAfter(new Date((now - 90) * 1000).toUTCString(), now)).toBe(0);
  });
  it('ignores absent and unreadable values', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });
  it('reads only whole delay-seconds of at most 10 digits, and a date to the whole second', () => {
    // Anchored both ends: trailing or leading letters are no number, and 11 digits are no delay.
    expect(parseRetryAfter('120abc', now)).toBeUndefined();
    expect(parseRetryAfter('x120', now)).toBeUndefined();
    expect(parseRetryAfter('12345678901', now)).toBeUndefined();
    expect(parseRetryAfter('9999999999', now)).toBe(9_999_999_999);
    // Only an HTTP-date (it names a day or month) is a date: ISO 8601 text is not, though Date.parse reads it.
    expect(parseRetryAfter('2099-01-01', now)).toBeUndefined();
    expect(parseRetryAfter('2099-01-01T00:00:00Z', now)).toBeUndefined();
    const at = new Date((now + 77) * 1000).toUTCString().replace(' GMT', '.500 GMT');
    expect(parseRetryAfter(at, now)).toBe(77);
  });
});

describe('backoffDelay edges', () => {
  it('counts whole failures, and an infinite attempt or random as nonsense', () => {
    expect(backoffDelay(1.7, 1, policy)).toBe(4);
    expect(backoffDelay(Number.POSITIVE_INFINITY, 1, policy)).toBe(2);
    expect(backoffDelay(2, Number.POSITIVE_INFINITY, policy)).toBe(0);
  });
});
