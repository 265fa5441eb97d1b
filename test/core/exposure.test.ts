/** Exposure matching: overlap of a notice window with a stay at the same venue; the 15-minute boundary. */
import { describe, expect, it } from 'vitest';
import {
  confirmedExposureTimes,
  HIGH_EXPOSURE_SECONDS,
  highestLevel,
  matchExposures,
  matchStay,
  type NoticeWindow,
  overlapSeconds,
  type Stay,
} from '../../src/core/exposure';

const T = 1_800_000_000;
const MIN = 60;
const stay = (over: Partial<Stay> = {}): Stay => ({
  id: 'c1',
  venueId: 'V1',
  checkedInAt: T,
  autoCheckOutAt: T + 60 * MIN,
  people: ['budi'],
  ...over,
});
const notice = (from: number, to: number, over: Partial<NoticeWindow> = {}): NoticeWindow => ({
  seq: 1,
  venueId: 'V1',
  from,
  to,
  ...over,
});

describe('overlapSeconds', () => {
  it('is the shared length of two windows, 0 when they touch or are apart', () => {
    expect(overlapSeconds(0, 10, 5, 20)).toBe(5);
    expect(overlapSeconds(5, 20, 0, 10)).toBe(5);
    expect(overlapSeconds(0, 10, 10, 20)).toBe(0);
    expect(overlapSeconds(0, 10, 11, 20)).toBe(0);
    expect(overlapSeconds(0, 100, 10, 20)).toBe(10);
  });
});

describe('matchStay', () => {
  it('exactly 15 minutes of overlap is high; one second less is low', () => {
    const high = matchStay(notice(T + 45 * MIN, T + 90 * MIN), stay());
    expect(high?.level).toBe('high');
    expect(high?.overlapSeconds).toBe(HIGH_EXPOSURE_SECONDS);
    expect(high?.from).toBe(T + 45 * MIN);
    expect(high?.to).toBe(T + 60 * MIN);
    const low = matchStay(notice(T + 45 * MIN + 1, T + 90 * MIN), stay());
    expect(low?.level).toBe('low');
    expect(low?.overlapSeconds).toBe(HIGH_EXPOSURE_SECONDS - 1);
  });

  it('one second of overlap is low; touching windows are no exposure (either side)', () => {
    expect(matchStay(notice(T + 60 * MIN - 1, T + 90 * MIN), stay())?.level).toBe('low');
    expect(matchStay(notice(T + 60 * MIN, T + 90 * MIN), stay())).toBeUndefined();
    expect(matchStay(notice(T - 30 * MIN, T), stay())).toBeUndefined();
    expect(matchStay(notice(T - 30 * MIN, T + 1), stay())?.overlapSeconds).toBe(1);
  });

  it('uses the check-out when there is one, the automatic check-out otherwise', () => {
    const n = notice(T + 20 * MIN, T + 50 * MIN);
    expect(matchStay(n, stay())?.level).toBe('high');
    expect(matchStay(n, stay({ checkedOutAt: T + 21 * MIN }))?.level).toBe('low');
    expect(matchStay(n, stay({ checkedOutAt: T + 20 * MIN }))).toBeUndefined();
  });

  it('a notice window inside the stay, and a stay inside the window', () => {
    expect(matchStay(notice(T + 10 * MIN, T + 20 * MIN), stay())?.overlapSeconds).toBe(10 * MIN);
    expect(matchStay(notice(T - 60 * MIN, T + 120 * MIN), stay())?.overlapSeconds).toBe(60 * MIN);
  });

  it('another venue never matches, however the times overlap', () => {
    expect(matchStay(notice(T, T + 60 * MIN, { venueId: 'V2' }), stay())).toBeUndefined();
  });

  it('empty or reversed windows never match', () => {
    expect(matchStay(notice(T + 10 * MIN, T + 10 * MIN), stay())).toBeUndefined();
    expect(matchStay(notice(T + 20 * MIN, T + 10 * MIN), stay())).toBeUndefined();
    expect(matchStay(notice(T, T + 60 * MIN), stay({ checkedOutAt: T }))).toBeUndefined();
  });
});

describe('matchExposures', () => {
  it('matches every notice against every stay at its venue, nothing else', () => {
    const stays = [
      stay({ id: 'a' }),
      stay({ id: 'b', checkedInAt: T + 2 * 3600, autoCheckOutAt: T + 3 * 3600 }),
      stay({ id: 'c', venueId: 'V2' }),
    ];
    const notices = [notice(T + 50 * MIN, T + 130 * MIN, { seq: 7 }), notice(T, T + 3600, { seq: 8, venueId: 'V3' })];
    const m = matchExposures(notices, stays);
    expect(m.map((x) => [x.seq, x.checkInId, x.level])).toEqual([
      [7, 'a', 'low'],
      [7, 'b', 'low'],
    ]);
    expect(matchExposures([], stays)).toEqual([]);
    expect(matchExposures(notices, [])).toEqual([]);
  });

  it('a stay at the venue outside the notice window is no match, not an empty entry', () => {
    expect(matchExposures([notice(T + 10 * 3600, T + 11 * 3600)], [stay()])).toEqual([]);
  });
});

describe('levels and confirmed exposures', () => {
  const high = matchStay(notice(T, T + 3600), stay({ people: ['budi', 'siti'] }));
  const low = matchStay(notice(T + 59 * MIN, T + 3600, { seq: 2 }), stay({ id: 'c2', people: ['andi'] }));
  it('high beats low; none is undefined', () => {
    if (!high || !low) throw new Error('expected matches');
    expect(highestLevel([low, high])).toBe('high');
    expect(highestLevel([low])).toBe('low');
    expect(highestLevel([])).toBeUndefined();
  });
  it('only high-level matches of visits a person was on count as confirmed exposure', () => {
    if (!high || !low) throw new Error('expected matches');
    expect(confirmedExposureTimes([high, low], 'siti')).toEqual([T]);
    expect(confirmedExposureTimes([high, low], 'andi')).toEqual([]);
    expect(confirmedExposureTimes([high, low], 'dewi')).toEqual([]);
  });
});
