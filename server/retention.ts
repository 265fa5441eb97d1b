/**
 * Server-side retention of uploaded check-ins: the days older than the published policy's `retentionDays` are
 * dropped whole, and the coming days' partitions created (checkin-partitions.ts maintainPartitions, the one place
 * that removes uploaded check-ins), at start-up, every hour while the server runs, and on demand with `singgah
 * retention run`. Phones delete their own history after the same days; the server keeps an upload no longer than
 * the phone that made it. The same pass removes case reports (purgeCases) and the case codes that can no longer be
 * used.
 */
import type { Logger } from 'pino';
import type { UnixSeconds } from '../src/core/schema';
import { publishedPolicy } from './authority';
import { maintainPartitions, type PartitionPass } from './checkin-partitions';
import { MAX_AGE_SECONDS } from './checkins';
import type { Db } from './db';

export const RETENTION_INTERVAL_MS = 3_600_000;

/**
 * Days uploads are kept: the published policy's, or — with no readable bundle — the oldest upload the server
 * accepts (30 days), so a missing bundle never keeps data longer than an upload could be.
 */
export function retentionDaysOf(dataDir: string): number {
  return publishedPolicy(dataDir)?.retentionDays ?? MAX_AGE_SECONDS / 86_400;
}

export interface CasePurge {
  /** Case reports deleted, reviewed or still waiting for review. */
  readonly cases: number;
  /** Case codes deleted: expired before the boundary, no report left that names them. */
  readonly codes: number;
}

/**
 * Case rows received before `keptFrom` (the check-ins' boundary). A report's visits are at most `retentionDays`
 * old when it arrives, so once the report is that old itself no phone holds a visit a notice from it could match:
 * a report still waiting for review is useless then, and goes with its ciphertext; a reviewed one keeps only a
 * code hash, an hour and an outcome, which go too. A code that expired before the boundary can no longer be used
 * (and its report, received before it expired, is gone): its hash goes.
 */
export async function purgeCases(db: Db, keptFrom: number): Promise<CasePurge> {
  return db.transaction(async (tx) => {
    const cases = await tx.query('delete from case_uploads where received_at < $1 returning id', [keptFrom]);
    const codes = await tx.query(
      `delete from case_codes c where c.expires_at < $1
         and not exists (select 1 from case_uploads u where u.code_hash = c.hash) returning hash`,
      [keptFrom],
    );
    return { cases: cases.length, codes: codes.length };
  });
}

export interface RetentionPass extends PartitionPass {
  readonly retentionDays: number;
  readonly purged: CasePurge;
}

export async function runRetention(db: Db, dataDir: string, now: UnixSeconds): Promise<RetentionPass> {
  const retentionDays = retentionDaysOf(dataDir);
  const partitions = await maintainPartitions(db, now, retentionDays);
  return { retentionDays, ...partitions, purged: await purgeCases(db, partitions.keptFrom) };
}

export interface RetentionJob {
  /** Stops the timer and waits for a pass in progress (before the database closes). */
  stop(): Promise<void>;
}

/**
 * A pass now and one every `intervalMs` (hourly: the coming days' partitions are made days ahead, and an expired
 * day goes within the hour); a failed pass is logged and the next one tries again.
 */
export function startRetention(options: {
  readonly db: Db;
  readonly dataDir: string;
  readonly logger: Logger;
  readonly now: () => UnixSeconds;
  readonly intervalMs?: number;
}): RetentionJob {
  const { db, dataDir, logger, now } = options;
  let running: Promise<void> = Promise.resolve();
  const pass = () => {
    running = running.then(async () => {
      try {
        const r = await runRetention(db, dataDir, now());
        const fields = {
          retentionDays: r.retentionDays,
          keptFrom: new Date(r.keptFrom * 1000).toISOString(),
          droppedDays: r.dropped,
          deleted: r.deleted,
        };
        if (r.dropped.length > 0 || r.deleted > 0) logger.info(fields, 'retention: uploads deleted');
        if (r.purged.cases > 0 || r.purged.codes > 0) {
          logger.info({ cases: r.purged.cases, codes: r.purged.codes }, 'retention: case reports deleted');
        }
        if (r.created.length > 0) logger.info({ createdDays: r.created }, 'retention: day partitions created');
        if (r.skipped > 0) logger.warn({ skipped: r.skipped }, 'retention: steps left to the next pass');
      } catch (e) {
        logger.error({ err: e }, 'retention pass failed');
      }
    });
  };
  pass();
  const timer = setInterval(pass, options.intervalMs ?? RETENTION_INTERVAL_MS);
  // The hourly pass never keeps the process alive on its own.
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
