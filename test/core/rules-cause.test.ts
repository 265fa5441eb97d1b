/**
 * Why the rules cannot be used: every combination of rules present/absent, clock ahead of the server / in step /
 * behind trusted time, server time known or not, and rules within or past expiry + grace — the cause named must
 * be the one to fix first, and decidePerson's reason must say the same.
 */
import { describe, expect, it } from 'vitest';
import { decidePerson, type ReasonCode } from '../../src/core/eligibility';
import { DEFAULT_CLOCK_SKEW_SECONDS, type RulesCauseCode, rulesCause } from '../../src/core/rules-cause';
import { decodeVenue } from '../../src/core/venue';
import { DAY, kaltimOffice, makeBundlePayload, NOW, signVenue } from '../support/authority';

const fresh = makeBundlePayload({}, 1, NOW - DAY);
const skew = fresh.policy.clockSkewSeconds;
const endedAt = fresh.expiresAt + fresh.policy.staleGraceSeconds;
const venue = (() => {
  const d = decodeVenue(signVenue(kaltimOffice));
  if (!d.ok) throw new Error(d.error.code);
  return d.value.venue;
})();

const REASON: Record<RulesCauseCode, ReasonCode> = {
  CLOCK_AHEAD: 'CLOCK_AHEAD',
  CLOCK_BEHIND: 'CLOCK_BEHIND',
  RULES_EXPIRED: 'BUNDLE_STALE',
  NEVER_SYNCED: 'NO_BUNDLE',
};

describe('rulesCause', () => {
  // The server's real time in each case, and how the phone's clock relates to it.
  const clocks = {
    inStep: 0,
    ahead60d: 60 * DAY,
    aheadJustOverSkew: skew + 1,
    aheadAtSkew: skew,
    behind: -DAY,
  } as const;
  const serverTimes = { withinRules: NOW, pastRules: endedAt + DAY } as const;

  for (const hasBundle of [true, false])
    for (const [serverName, serverTime] of Object.entries(serverTimes))
      for (const [clockName, drift] of Object.entries(clocks))
        for (const serverKnown of [true, false]) {
          const now = serverTime + drift;
          // Trusted time: what signed data vouched for — the bundle's issuedAt, raised by the server's capped time.
          const trustedTime = hasBundle ? Math.min(serverTime, endedAt) : 0;
          const input = {
            bundle: hasBundle ? fresh : undefined,
            now,
            trustedTime,
            ...(serverKnown ? { serverOffset: serverTime - now } : {}),
          };
          const s = hasBundle ? skew : DEFAULT_CLOCK_SKEW_SECONDS;
          let expected: RulesCauseCode | undefined;
          if (serverKnown && drift > s) expected = 'CLOCK_AHEAD';
          else if (!hasBundle) expected = 'NEVER_SYNCED';
          else if (now < Math.max(trustedTime, serverKnown ? serverTime : 0) - s) expected = 'CLOCK_BEHIND';
          else if (now > endedAt) expected = 'RULES_EXPIRED';
          it(`${hasBundle ? 'rules' : 'no rules'}, server ${serverName}, clock ${clockName}, server time ${serverKnown ? 'known' : 'unknown'} → ${expected ?? 'usable'}`, () => {
            const cause = rulesCause(input);
            expect(cause?.code).toBe(expected);
            if (cause?.code === 'CLOCK_AHEAD') expect(cause.serverTime).toBe(serverTime);
            if (cause?.code === 'RULES_EXPIRED') expect(cause.endedAt).toBe(endedAt);
            // Decisions say the same thing as the banner.
            const decision = decidePerson([], venue.region, venue, { ...input, appVersion: '0.1.0' });
            if (expected)
              expect(decision).toMatchObject({ outcome: 'CANNOT_VERIFY', reasons: [{ code: REASON[expected] }] });
            else expect(decision.reasons.map((r) => r.code)).not.toContain('NO_BUNDLE');
          });
        }

  it('a clock 60 days ahead with no rules and a known server time is the clock, not "never synced"', () => {
    expect(rulesCause({ bundle: undefined, now: NOW + 60 * DAY, trustedTime: 0, serverOffset: -60 * DAY })).toEqual({
      code: 'CLOCK_AHEAD',
      serverTime: NOW,
    });
  });

  it('a clock behind names the higher of trusted time and the server time', () => {
    expect(rulesCause({ bundle: fresh, now: NOW - DAY, trustedTime: NOW - 2 * DAY, serverOffset: DAY })).toEqual({
      code: 'CLOCK_BEHIND',
      serverTime: NOW,
    });
    expect(rulesCause({ bundle: fresh, now: NOW - DAY, trustedTime: NOW })).toEqual({
      code: 'CLOCK_BEHIND',
      serverTime: NOW,
    });
  });
});
