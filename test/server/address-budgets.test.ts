/**
 * The two-level budgets behind carrier NAT (server/rate-limit.ts), with time as a parameter: many keys at one
 * address share a wide address budget, one key cannot take more than its own, and a refusal spends nothing.
 */
import { describe, expect, it } from 'vitest';
import { ADDRESS_SHARE, AddressBudgets, addressKeyOf, TokenBuckets } from '../../server/rate-limit';

const LIMIT = { perSecond: 10, burst: 60 };
const NAT = '203.0.113.7';

/** Admitted requests of `count` tries for `key` at `address`, all at time `now`. */
function admitted(budgets: AddressBudgets, address: string, key: string, count: number, now: number): number {
  let n = 0;
  for (let i = 0; i < count; i++) if (budgets.take(address, key, now) === undefined) n++;
  return n;
}

describe('TokenBuckets', () => {
  it('starts full, refuses when empty with the seconds to wait, refills with time', () => {
    const b = new TokenBuckets();
    const limit = { perSecond: 2, burst: 3 };
    for (let i = 0; i < 3; i++) {
      expect(b.wait('x', limit, 0)).toBe(0);
      b.spend('x');
    }
    expect(b.wait('x', limit, 0)).toBe(1);
    // 0.4 s: 0.8 of a token, still short.
    expect(b.wait('x', limit, 400)).toBe(1);
    expect(b.wait('x', limit, 500)).toBe(0);
    // Never more than the burst, however long idle.
    b.spend('x');
    expect(b.wait('x', limit, 1_000_000)).toBe(0);
    for (let i = 0; i < 3; i++) b.spend('x');
    expect(b.wait('x', limit, 1_000_000)).toBe(1);
  });

  it('forgets refilled buckets past its bound, at most one sweep a second', () => {
    const b = new TokenBuckets(2);
    const limit = { perSecond: 1, burst: 1 };
    b.wait('a', limit, 0);
    b.spend('a');
    b.wait('b', limit, 0);
    expect(b.size).toBe(2);
    // At 5 s both are full again: the sweep on the next new name drops them.
    b.wait('c', limit, 5000);
    expect(b.size).toBe(1);
    b.wait('d', limit, 5000);
    // Full again, but swept less than a second ago: kept until the next sweep.
    b.wait('e', limit, 5500);
    expect(b.size).toBe(3);
  });
});

describe('AddressBudgets', () => {
  it('one key at an address gets its burst, then its rate', () => {
    const budgets = new AddressBudgets(LIMIT);
    expect(admitted(budgets, NAT, 'venue A', 1000, 0)).toBe(LIMIT.burst);
    // One second later: ten more, not a thousand.
    expect(admitted(budgets, NAT, 'venue A', 1000, 1000)).toBe(LIMIT.perSecond);
    const refusal = budgets.take(NAT, 'venue A', 1000);
    expect(refusal).toEqual({ budget: 'key', retryAfter: 1 });
  });

  it('many keys at one address share the address budget: ADDRESS_SHARE keys worth', () => {
    const budgets = new AddressBudgets(LIMIT);
    let n = 0;
    for (let venue = 0; venue < 2000; venue++) n += admitted(budgets, NAT, `venue ${venue}`, 1, 0);
    expect(n).toBe(LIMIT.burst * ADDRESS_SHARE);
    expect(budgets.take(NAT, 'venue 5000', 0)).toEqual({ budget: 'address', retryAfter: 1 });
    // Over ten seconds of steady traffic over many keys: the address's rate, 300/s.
    let later = 0;
    for (let t = 1; t <= 10; t++) {
      for (let venue = 0; venue < 1000; venue++) later += admitted(budgets, NAT, `venue ${t}-${venue}`, 1, t * 1000);
    }
    expect(later).toBe(10 * LIMIT.perSecond * ADDRESS_SHARE);
  });

  it('an abuser hammering one key leaves the other keys at the same address their budgets', () => {
    const budgets = new AddressBudgets(LIMIT);
    let abuser = 0;
    let phones = 0;
    for (let t = 0; t < 60_000; t += 100) {
      abuser += admitted(budgets, NAT, 'venue poster', 200, t);
      // Phones: one request per visit, each at its own venue.
      for (let p = 0; p < 20; p++) phones += admitted(budgets, NAT, `venue ${t}-${p}`, 1, t);
    }
    // The abuser: its burst plus 10/s over the minute, out of 120,000 tries.
    expect(abuser).toBeLessThanOrEqual(LIMIT.burst + 60 * LIMIT.perSecond + 1);
    // Phones asked 200/s, below the address's 300/s: every one was admitted.
    expect(phones).toBe(600 * 20);
  });

  it('a refusal spends neither bucket, and another address is untouched', () => {
    const budgets = new AddressBudgets({ perSecond: 1, burst: 2 }, 2);
    expect(admitted(budgets, NAT, 'k', 5, 0)).toBe(2);
    // The key was refused three times; the address still holds its other two tokens.
    expect(admitted(budgets, NAT, 'j', 5, 0)).toBe(2);
    expect(budgets.take(NAT, 'i', 0)).toEqual({ budget: 'address', retryAfter: 1 });
    expect(budgets.addressWait(NAT, 0)).toBe(1);
    expect(admitted(budgets, '198.51.100.1', 'k', 5, 0)).toBe(2);
  });

  it('rate 0 admits everything', () => {
    const budgets = new AddressBudgets({ perSecond: 0, burst: 0 });
    expect(admitted(budgets, NAT, 'k', 10_000, 0)).toBe(10_000);
    expect(budgets.addressWait(NAT, 0)).toBe(0);
  });
});

describe('addressKeyOf', () => {
  it('charges an IPv6 subscriber once for its whole /64, and IPv4 as it is', () => {
    expect(addressKeyOf('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKeyOf('::ffff:203.0.113.7')).toBe('203.0.113.7');
    const a = addressKeyOf('2001:db8:abcd:12::1');
    expect(a).toBe('2001:db8:abcd:12::/64');
    expect(addressKeyOf('2001:0DB8:abcd:0012:ffff:1:2:3')).toBe(a);
    expect(addressKeyOf('2001:db8:abcd:12:8000::%eth0')).toBe(a);
    expect(addressKeyOf('2001:db8:abcd:13::1')).not.toBe(a);
    expect(addressKeyOf('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKeyOf('::1')).toBe('0:0:0:0::/64');
  });
});
