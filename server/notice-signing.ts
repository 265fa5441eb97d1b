/**
 * Signing exposure notices with the notices key: offline, by the CLI (`singgah case review`, `singgah notice
 * publish`) and the demo's automatic review — never by the sync server's request path, which only reads the
 * `notices` table (server/notices.ts). Each notice is verified with core `verifyNotice` against the published
 * bundle before it is stored, exactly as a phone will check it.
 */
import type { BundlePayload } from '../src/core/bundle';
import { signNotice, verifyNotice } from '../src/core/notice';
import { provinceOf } from '../src/core/rule-data';
import type { UnixSeconds } from '../src/core/schema';
import { readPublishedBundle, signingKey } from './authority';
import type { Db, Queryable } from './db';

export interface Visit {
  readonly venueId: string;
  readonly from: UnixSeconds;
  readonly to: UnixSeconds;
}

/** The notices key and the bundle to check against; thrown as NoticesKeyMissing when either is absent. */
export class NoticesKeyMissing extends Error {}

export interface NoticesSigner {
  readonly bundle: BundlePayload;
  readonly secretKey: Uint8Array;
  readonly kid: string;
}

/** The newest notices key the published bundle lists as valid at `now`, with that bundle. */
export function noticesSigner(dataDir: string, now: UnixSeconds): NoticesSigner {
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
 * Sign one notice per visit as the next seqs and store them, each under its venue's province; call inside a
 * transaction. Returns their seqs. Every visit's venue must be registered (its province decides which file lists
 * the notice).
 */
export async function insertNotices(
  tx: Queryable,
  signer: NoticesSigner,
  visits: readonly Visit[],
  now: UnixSeconds,
): Promise<number[]> {
  if (visits.length === 0) return [];
  const venueIds = [...new Set(visits.map((v) => v.venueId))];
  const regions = await tx.query<{ id: string; region: string }>(
    'select id, region from venues where id = any($1::text[])',
    [venueIds],
  );
  const provinceOfVenue = new Map(regions.map((r) => [r.id, provinceOf(r.region)]));
  const unknown = venueIds.find((id) => !provinceOfVenue.has(id));
  if (unknown !== undefined) throw new Error(`no venue ${unknown} is registered: a notice needs its province`);
  // EXCLUSIVE blocks other writers until commit but not readers: seqs become visible strictly in order,
  // so a phone that has seen seq n never misses a notice < n committed later.
  await tx.query('lock table notices in exclusive mode');
  const [{ last, lastIssued }] = await tx.query<{ last: string | number; lastIssued: string | number | null }>(
    'select coalesce(max(seq), 0) as last, max(issued_at) as "lastIssued" from notices',
  );
  // Issued no earlier than the window's end and the notice before: a phone reads a province's files from its
  // visit's day on, and a day before the newest one is final (src/core/notice-files.ts). A review a few minutes
  // after a case's check-out, or a signing machine whose clock lags, moves the time forward, never back.
  const issuedAt = Math.max(now, Number(lastIssued ?? 0), ...visits.map((v) => v.to));
  const rows = visits.map((visit, i) => {
    const seq = Number(last) + 1 + i;
    const signed = signNotice({ seq, ...visit, issuedAt, kid: signer.kid }, signer.secretKey);
    const check = verifyNotice(signer.bundle, { seq, ...signed });
    if (!check.ok) throw new Error(`notice ${seq} does not verify: ${check.error.code} ${check.error.detail ?? ''}`);
    return { seq, ...visit, ...signed, province: provinceOfVenue.get(visit.venueId) };
  });
  await tx.query(
    `insert into notices (seq, payload, sig, venue_id, window_from, window_to, province, issued_at)
     select seq, payload, sig, venue_id, window_from, window_to, province, $8
     from unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::text[])
       as t(seq, payload, sig, venue_id, window_from, window_to, province)`,
    [
      rows.map((r) => r.seq),
      rows.map((r) => r.payload),
      rows.map((r) => r.sig),
      rows.map((r) => r.venueId),
      rows.map((r) => r.from),
      rows.map((r) => r.to),
      rows.map((r) => r.province),
      issuedAt,
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
