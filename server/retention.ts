/**
 * Server-side retention of uploaded check-ins: the days older than the published policy's `retentionDays` are
 * dropped whole, and the coming days' partitions created (checkin-partitions.ts maintainPartitions, the one place
 * that removes uploads), at start-up, every hour while the server runs, and on demand with `singgah retention run`.
 * Phones delete their own history after the same days; the server keeps an upload no longer than the phone that
 * made it.
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

export interface RetentionPass extends PartitionPass {
  readonly retentionDays: number;
}

export async function runRetention(db: Db, dataDir: string, now: UnixSeconds): Promise<RetentionPass> {
  const retentionDays = retentionDaysOf(dataDir);
  return { retentionDays, ...(await maintainPartitions(db, now, retentionDays)) };
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
