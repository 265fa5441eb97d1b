/**
 * The exposure-notice feed and the case upload that feeds it. Notices are signed here with the online
 * notices key — the one signing key the sync server holds (docs/ARCHITECTURE.md) — and each one is verified
 * with core `verifyNotice` against the published bundle before it is stored, exactly as a phone will check it.
 */
import type { BundlePayload } from '../src/core/bundle';
import { type NoticeWire, signNotice, verifyNotice } from '../src/core/notice';
import type { UnixSeconds } from '../src/core/schema';
import { readPublishedBundle, signingKey } from './authority';
import { type CaseCodeProblem, consumeCaseCode } from './case-codes';
import type { Db, Queryable } from './db';

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

export interface Visit {
  readonly venueId: string;
  readonly from: UnixSeconds;
  readonly to: UnixSeconds;
}

export type CaseUploadResult =
  | { readonly ok: true; readonly notices: number }
  | { readonly ok: false; readonly problem: CaseCodeProblem };

/** The notices key and the bundle to check against; thrown as NoticesKeyMissing when either is absent. */
export class NoticesKeyMissing extends Error {}

function noticesSigner(
  dataDir: string,
  now: UnixSeconds,
): { bundle: BundlePayload; secretKey: Uint8Array; kid: string } {
  try {
    const bundle = readPublishedBundle(dataDir);
    if (!bundle) throw new NoticesKeyMissing('no bundle published');
    const key = signingKey(dataDir, bundle.payload, 'notices', now);
    return { bundle: bundle.payload, secretKey: key.secretKey, kid: key.kid };
  } catch (e) {
    throw e instanceof NoticesKeyMissing ? e : new NoticesKeyMissing((e as Error).message);
  }
}

/**
 * Use the case code and publish one notice per visit, all in one transaction: a failure anywhere leaves the
 * code unused and no notice stored. The caller has validated the visits (venues registered, windows sane).
 */
export async function publishCase(
  db: Db,
  dataDir: string,
  code: string,
  visits: readonly Visit[],
  now: UnixSeconds,
): Promise<CaseUploadResult> {
  // Before the transaction: a server without its notices key must not use up a person's code.
  const signer = noticesSigner(dataDir, now);
  return db.transaction(async (tx) => {
    const problem = await consumeCaseCode(tx, code, now);
    if (problem) return { ok: false, problem };
    if (visits.length === 0) return { ok: true, notices: 0 };
    return { ok: true, notices: (await insertNotices(tx, signer, visits, now)).length };
  });
}

/**
 * Sign one notice per visit as the next seqs and store them; call inside a transaction. Each notice is
 * verified with core before it is stored.
 */
async function insertNotices(
  tx: Queryable,
  signer: ReturnType<typeof noticesSigner>,
  visits: readonly Visit[],
  now: UnixSeconds,
): Promise<number[]> {
  // EXCLUSIVE blocks other writers until commit but not readers: seqs become visible strictly in order,
  // so a phone that has seen seq n never misses a notice < n committed later.
  await tx.query('lock table notices in exclusive mode');
  const [{ last }] = await tx.query<{ last: string | number }>('select coalesce(max(seq), 0) as last from notices');
  const rows = visits.map((visit, i) => {
    const seq = Number(last) + 1 + i;
    const signed = signNotice({ seq, ...visit, issuedAt: now, kid: signer.kid }, signer.secretKey);
    const check = verifyNotice(signer.bundle, { seq, ...signed });
    if (!check.ok) throw new Error(`notice ${seq} does not verify: ${check.error.code} ${check.error.detail ?? ''}`);
    return { seq, ...visit, ...signed };
  });
  await tx.query(
    `insert into notices (seq, payload, sig, venue_id, window_from, window_to, issued_at)
     select seq, payload, sig, venue_id, window_from, window_to, $7
     from unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[])
       as t(seq, payload, sig, venue_id, window_from, window_to)`,
    [
      rows.map((r) => r.seq),
      rows.map((r) => r.payload),
      rows.map((r) => r.sig),
      rows.map((r) => r.venueId),
      rows.map((r) => r.from),
      rows.map((r) => r.to),
      now,
    ],
  );
  return rows.map((r) => r.seq);
}

/**
 * A notice the operator publishes by hand (`singgah notice publish`): a health officer traced an exposure
 * at a venue without a case upload. Signed with the notices key like case notices; returns its seq.
 */
export async function publishManualNotice(db: Db, dataDir: string, visit: Visit, now: UnixSeconds): Promise<number> {
  const signer = noticesSigner(dataDir, now);
  return db.transaction(async (tx) => (await insertNotices(tx, signer, [visit], now))[0]);
}
