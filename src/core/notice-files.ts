/**
 * Notices by province and day: the static files a phone reads instead of one national feed (docs/FORMATS.md
 * "Notice files"). A notice sits in the file of its venue's province and of the UTC day of its `issuedAt`. The
 * authority issues a notice no earlier than its window's end and no earlier than the notice before it
 * (server/notice-signing.ts), which gives the two facts a phone relies on:
 *  - a notice that overlaps a visit was issued on the visit's day or later, so per province it visited a phone
 *    reads the days from its oldest stored visit there up to today, and nothing before;
 *  - once a later day holds a notice, an earlier day's file never changes again: the server then marks it final
 *    (`Cache-Control: immutable`) and the phone stops asking for it.
 * A day is served in parts of NOTICES_PER_PART notices in seq order: a full part never changes either, so while a
 * day is open a phone re-reads only its last part, not the whole day.
 */
import { provinceOf } from './rule-data';
import type { UnixSeconds } from './schema';

export const DAY_SECONDS = 86_400;

/** Days since 1970-01-01 UTC. */
export const dayOf = (t: UnixSeconds): number => Math.floor(t / DAY_SECONDS);

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** `YYYY-MM-DD` of a day number (UTC). */
export function formatDay(day: number): string {
  const d = new Date(day * DAY_SECONDS * 1000);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
}

/** The day number of a `YYYY-MM-DD` that names a real date (years 2000–2199), else undefined. */
export function parseDay(text: string): number | undefined {
  const m = /^(2[01]\d\d)-(\d\d)-(\d\d)$/.exec(text);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const day = ms / (DAY_SECONDS * 1000);
  return formatDay(day) === text ? day : undefined;
}

/** A province code: the two digits every BPS region code starts with. */
export const PROVINCE_PATTERN = /^[1-9]\d$/;

/**
 * Notices per part of a day's file. Small enough that re-reading the open part costs little (~2 KiB), large enough
 * that a heavy day of a big province (~90 notices) is a dozen requests the first time and none after.
 */
export const NOTICES_PER_PART = 8;

/** Highest part number a path may name: a day of 800,000 notices in one province is far beyond any epidemic. */
export const MAX_PART = 99_999;

/** The path of one part of a day's file on the server (and on a CDN in front of it). */
export const noticeFilePath = (province: string, day: number, part: number): string =>
  `/v1/notices/${province}/${formatDay(day)}/${part}.json`;

export interface NoticeFileRef {
  readonly province: string;
  readonly day: number;
}

/** What a phone needs of a visit to plan its downloads. */
export interface VisitPlace {
  readonly region: string;
  readonly checkedInAt: UnixSeconds;
}

/**
 * The files a phone must have read for its stored visits, province by province (ascending), each province's days
 * from the day of its oldest visit there to `today`. A clock behind the server's is caught up by the caller: it
 * reads the next day while the last one read turns out final.
 */
export function noticeFilesFor(visits: readonly VisitPlace[], today: number): NoticeFileRef[] {
  const firstDay = new Map<string, number>();
  for (const v of visits) {
    const province = provinceOf(v.region);
    const day = dayOf(v.checkedInAt);
    firstDay.set(province, Math.min(day, firstDay.get(province) ?? day));
  }
  const files: NoticeFileRef[] = [];
  for (const province of [...firstDay.keys()].sort())
    for (let day = firstDay.get(province) ?? today; day <= today; day++) files.push({ province, day });
  return files;
}
