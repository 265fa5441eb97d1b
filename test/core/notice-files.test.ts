/**
 * Notices by province and day (core notice-files.ts): the day names, and the plan of files a phone reads — above
 * all that a notice overlapping a stored visit always lies in a planned file, given what the authority promises
 * (a notice is issued no earlier than its window's end; the phone syncs after it was issued).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { overlapSeconds } from '../../src/core/exposure';
import {
  dayOf,
  formatDay,
  noticeFilePath,
  noticeFilesFor,
  PROVINCE_PATTERN,
  parseDay,
} from '../../src/core/notice-files';

const DAY = 86_400;

describe('day names', () => {
  it('formats and parses UTC days, refusing dates that do not exist', () => {
    expect(formatDay(0)).toBe('1970-01-01');
    expect(formatDay(dayOf(1_795_420_800))).toBe('2026-11-23');
    expect(parseDay('2026-11-23')).toBe(dayOf(1_795_420_800));
    for (const bad of ['2026-02-30', '2026-13-01', '26-11-23', '2026-11-23x', '1999-12-31', '2026-1-05', ''])
      expect(parseDay(bad)).toBeUndefined();
    expect(noticeFilePath('64', parseDay('2026-12-05') ?? 0, 3)).toBe('/v1/notices/64/2026-12-05/3.json');
  });

  it('round-trips every day of two centuries', () => {
    fc.assert(
      fc.property(fc.integer({ min: parseDay('2000-01-01') ?? 0, max: parseDay('2199-12-31') ?? 0 }), (day) => {
        expect(parseDay(formatDay(day))).toBe(day);
      }),
    );
  });
});

describe('the files a phone reads', () => {
  it('per visited province, the days from its oldest visit there to today; no other province', () => {
    const today = 20_000;
    const files = noticeFilesFor(
      [
        { region: '6471', checkedInAt: (today - 2) * DAY + 3600 },
        { region: '64', checkedInAt: today * DAY },
        { region: '3374', checkedInAt: today * DAY + 10 },
      ],
      today,
    );
    expect(files).toEqual([
      { province: '33', day: today },
      { province: '64', day: today - 2 },
      { province: '64', day: today - 1 },
      { province: '64', day: today },
    ]);
    expect(noticeFilesFor([], today)).toEqual([]);
  });

  it('always plans the file of a notice that overlaps a visit, once the notice is issued', () => {
    const t0 = 1_795_420_800;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 14 * DAY }), // visit start after t0
        fc.integer({ min: 1, max: DAY }), // stay
        fc.integer({ min: -14 * DAY, max: 14 * DAY }), // window start relative to the visit
        fc.integer({ min: 1, max: 14 * DAY }), // window length
        fc.integer({ min: 0, max: 3 * DAY }), // issued this long after the window's end
        fc.integer({ min: 0, max: 3 * DAY }), // the phone syncs this long after the issue
        (start, stay, offset, length, lag, syncLag) => {
          const visit = { checkedInAt: t0 + start, end: t0 + start + stay };
          const from = visit.checkedInAt + offset;
          const to = from + length;
          fc.pre(overlapSeconds(from, to, visit.checkedInAt, visit.end) > 0);
          const issuedAt = to + lag;
          const planned = noticeFilesFor(
            [{ region: '3374', checkedInAt: visit.checkedInAt }],
            dayOf(issuedAt + syncLag),
          );
          expect(planned).toContainEqual({ province: '33', day: dayOf(issuedAt) });
        },
      ),
    );
  });
});

describe('province codes', () => {
  // The server builds a notice file's path from the province it is asked for: anything but two digits is refused.
  it('accepts two digits not starting with 0, and nothing around them', () => {
    for (const ok of ['11', '64', '99']) expect(PROVINCE_PATTERN.test(ok), ok).toBe(true);
    for (const bad of ['640', 'x64', '6a', '06', '6', '64/', '../64'])
      expect(PROVINCE_PATTERN.test(bad), bad).toBe(false);
  });
});
