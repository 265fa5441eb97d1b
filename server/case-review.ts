/**
 * The health officer's review of sealed case uploads (`singgah case review`; in a demo data dir also the server's
 * automatic review, main.ts): open each pending report with the office's X25519 secret key, check it — the code
 * inside is the code it came with, at most MAX_CASE_VISITS visits, each one something a phone can have recorded
 * when it was sent (server/case-limits.ts) at a registered venue — then publish one signed notice per visit, or
 * reject it. Both keys are read from the data dir's key files here and nowhere on the server's request path.
 */
import { type CaseReport, MAX_CASE_VISITS, openCase } from '../src/core/case-seal';
import { MAX_NOTICE_WINDOW_SECONDS } from '../src/core/notice';
import type { UnixSeconds } from '../src/core/schema';
import { requirePublishedBundle } from './authority';
import { formatCaseCode, hashCaseCode } from './case-codes';
import { checkCaseVisit } from './case-limits';
import type { Db, Queryable } from './db';
import { keysOfRole } from './keys';
import { insertNotices, noticesSigner, type Visit } from './notice-signing';

export interface ReviewVisit extends Visit {
  /** The venue's registered name; undefined when no venue has its id. */
  readonly venueName?: string;
  /** Why this visit is not something a phone can have recorded, or undefined. */
  readonly problem?: string;
}

export interface OpenedUpload {
  readonly id: number;
  /** When the server stored it, to the hour. */
  readonly receivedAt: UnixSeconds;
  /** The code inside the report, formatted as the officer gave it out; undefined when it did not open. */
  readonly code?: string;
  readonly visits: readonly ReviewVisit[];
  /** Why it cannot be published, or undefined when it can. */
  readonly problem?: string;
}

interface PendingRow {
  id: string | number;
  code_hash: string;
  sealed: string;
  received_at: string | number;
}

/** Every pending upload, oldest first, opened and checked. Nothing is changed. */
export async function openPendingUploads(db: Queryable, dataDir: string): Promise<OpenedUpload[]> {
  const rows = await db.query<PendingRow>(
    'select id, code_hash, sealed, received_at from case_uploads where sealed is not null order by id',
  );
  if (rows.length === 0) return [];
  const policy = requirePublishedBundle(dataDir).payload.policy;
  const venues = await db.query<{ id: string; name: string; stay_minutes: number }>(
    'select id, name, stay_minutes from venues',
  );
  const venueById = new Map(venues.map((v) => [v.id, v]));
  const keys = keysOfRole(dataDir, 'cases');
  return rows.map((row) => {
    const id = Number(row.id);
    const receivedAt = Number(row.received_at);
    const closed = (problem: string): OpenedUpload => ({ id, receivedAt, visits: [], problem });
    let sealed: unknown;
    try {
      sealed = JSON.parse(row.sealed);
    } catch {
      return closed('the stored report is not JSON');
    }
    const kid = (sealed as { kid?: unknown }).kid;
    const key = keys.find((k) => k.kid === kid);
    if (!key) return closed(`sealed to the cases key ${String(kid)}, which is not in this data dir's keys`);
    const opened = openCase(sealed, key.secretKey);
    if (!opened.ok) return closed(`${opened.error.code}${opened.error.detail ? `: ${opened.error.detail}` : ''}`);
    const report: CaseReport = opened.value;
    const code = formatCaseCode(report.code);
    if (hashCaseCode(report.code) !== row.code_hash) {
      return { ...closed('the code inside is not the code it was sent with (a replayed report)'), code };
    }
    if (report.visits.length > MAX_CASE_VISITS) {
      return { ...closed(`${report.visits.length} visits, more than ${MAX_CASE_VISITS}`), code };
    }
    // The server keeps the hour it stored the report in: the visits were recorded before the end of that hour.
    const sentBy = receivedAt + 3600 + policy.clockSkewSeconds;
    const visits = report.visits.map((visit): ReviewVisit => {
      const venue = venueById.get(visit.venueId);
      const base = venue ? { ...visit, venueName: venue.name } : visit;
      if (!venue) return { ...base, problem: 'VENUE_UNKNOWN: no venue registered with this id' };
      if (!(visit.from < visit.to) || visit.to - visit.from > MAX_NOTICE_WINDOW_SECONDS) {
        return { ...base, problem: 'PAYLOAD_OUT_OF_RANGE: need from < to, at most 14 days apart' };
      }
      if (visit.to > sentBy) return { ...base, problem: 'TIME_IN_FUTURE: ends after the report was sent' };
      const problem = checkCaseVisit(visit, Number(venue.stay_minutes), policy, receivedAt);
      return problem ? { ...base, problem: `${problem.code}: ${problem.message}` } : base;
    });
    const bad = visits.filter((v) => v.problem).length;
    return bad > 0
      ? { id, receivedAt, code, visits, problem: `${bad} visit(s) do not fit the signed rules (see below)` }
      : { id, receivedAt, code, visits };
  });
}

/**
 * Publish an opened upload that has no problem: one notice per visit, signed with the notices key, and the
 * ciphertext dropped (its digest stays, so the same report is never taken again), in one transaction. Returns the
 * new notices' seqs; throws NoticesKeyMissing without the key, and when the upload was reviewed meanwhile.
 */
export async function publishUpload(
  db: Db,
  dataDir: string,
  upload: OpenedUpload,
  now: UnixSeconds,
): Promise<number[]> {
  if (upload.problem) throw new Error(`report #${upload.id} cannot be published: ${upload.problem}`);
  const signer = noticesSigner(dataDir, now);
  return db.transaction(async (tx) => {
    await markReviewed(tx, upload.id, 'published');
    return insertNotices(tx, signer, upload.visits, now);
  });
}

/** Reject a pending upload: its ciphertext is dropped, nothing is published. */
export async function rejectUpload(db: Db, id: number): Promise<void> {
  await db.transaction((tx) => markReviewed(tx, id, 'rejected'));
}

async function markReviewed(tx: Queryable, id: number, outcome: 'published' | 'rejected'): Promise<void> {
  const done = await tx.query(
    'update case_uploads set sealed = null, outcome = $2 where id = $1 and sealed is not null returning id',
    [id, outcome],
  );
  if (done.length === 0) throw new Error(`no pending report #${id}`);
}

export interface ReviewSummary {
  /** Uploads published now, with their notices' seqs. */
  readonly published: readonly { readonly upload: OpenedUpload; readonly seqs: readonly number[] }[];
  /** Uploads left pending: each has a problem for the officer to look at. */
  readonly pending: readonly OpenedUpload[];
}

/** Publish every pending upload that has no problem; the others stay pending. */
export async function approveAll(db: Db, dataDir: string, now: UnixSeconds): Promise<ReviewSummary> {
  const opened = await openPendingUploads(db, dataDir);
  const published: { upload: OpenedUpload; seqs: number[] }[] = [];
  for (const upload of opened.filter((u) => !u.problem)) {
    published.push({ upload, seqs: await publishUpload(db, dataDir, upload, now) });
  }
  return { published, pending: opened.filter((u) => u.problem) };
}
