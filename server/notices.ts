/**
 * The exposure-notice feed the server serves (GET /v1/notices): rows of the `notices` table, each signed offline
 * by the notices key (server/notice-signing.ts, run by the CLI). The server only reads them: it holds no
 * signing key.
 */
import type { NoticeWire } from '../src/core/notice';
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
