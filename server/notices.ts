/**
 * The exposure notices the server serves: rows of the `notices` table, each signed offline by the notices key
 * (server/notice-signing.ts, run by the CLI). The server only reads them: it holds no signing key. Phones read
 * them per province and day, in parts (GET /v1/notices/<province>/<day>/<part>.json, src/core/notice-files.ts); the national feed
 * (GET /v1/notices?after=) stays for apps from before those files, until the bundle's minAppVersion excludes them.
 */

import type { NoticeWire } from '../src/core/notice';
import { DAY_SECONDS, dayOf, NOTICES_PER_PART } from '../src/core/notice-files';
import type { Queryable } from './db';

export const DEFAULT_NOTICES_PAGE = 500;
export const MAX_NOTICES_PAGE = 1000;

export interface NoticesPage {
  readonly notices: NoticeWire[];
  readonly next: number;
  readonly more: boolean;
}

/** Notices with seq > after, ascending, at most `limit` (one more is read to know whether there are more). */
export async function readNotices(db: Queryable, after: number, limit: number): Promise<NoticesPage> {
  const rows = await db.query<{ seq: string | number; payload: string; sig: string }>(
    'select seq, payload, sig from notices where seq > $1 order by seq limit $2',
    [after, limit + 1],
  );
  const notices = rows.slice(0, limit).map((r) => ({ seq: Number(r.seq), payload: r.payload, sig: r.sig }));
  return { notices, next: notices.at(-1)?.seq ?? after, more: rows.length > limit };
}

export interface NoticeFile {
  readonly notices: NoticeWire[];
  /** This part can never change again: it is full, or a later day already holds a notice. */
  readonly final: boolean;
}

/** Part `part` of the notices of one province issued on one UTC day (NOTICES_PER_PART of them, ascending by seq). */
export async function readNoticeFile(db: Queryable, province: string, day: number, part: number): Promise<NoticeFile> {
  // The newest issue time first, the list second: notices are issued in non-decreasing time under the table lock,
  // so once the newest is past this day nothing can join the day — also nothing committing between the two reads.
  const [{ newest }] = await db.query<{ newest: string | number | null }>(
    'select max(issued_at) as newest from notices',
  );
  const rows = await db.query<{ seq: string | number; payload: string; sig: string }>(
    `select seq, payload, sig from notices where province = $1 and issued_at >= $2 and issued_at < $3
     order by seq offset $4 limit $5`,
    [province, day * DAY_SECONDS, (day + 1) * DAY_SECONDS, part * NOTICES_PER_PART, NOTICES_PER_PART],
  );
  return {
    notices: rows.map((r) => ({ seq: Number(r.seq), payload: r.payload, sig: r.sig })),
    // Seqs commit in order, so the first parts of a day fill up and stay as they are.
    final: rows.length === NOTICES_PER_PART || (newest !== null && dayOf(Number(newest)) > day),
  };
}
