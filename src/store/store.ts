/**
 * The store: repositories over the app's IndexedDB, composed from one connection (connection.ts), one cross-tab
 * channel (broadcast.ts) and one quarantine (quarantine.ts), which every repository shares through a StoreContext.
 * Every function returns a value — `{ok: true, value}` or `{ok: false, error: {code}}` — and never throws into the
 * UI. The state lives in this call's closures: two stores (two tabs, two tests) share nothing but the database.
 */
import type { UnixSeconds } from '../core/schema';
import { createBroadcast } from './broadcast';
import { type CertificateRepo, createCertificateRepo } from './certificates';
import { type CheckInRepo, createCheckInRepo, randomHexId } from './check-ins';
import { openConnection, type StoreEvent } from './connection';
import type { StoreContext } from './context';
import { createQuarantine } from './quarantine';
import type { QuarantinedItem, StoreResult } from './result';
import { DB_NAME, type QuarantineRecord } from './schema';
import { createSyncRepos, type SyncRepos } from './sync-state';
import { createTransferRepo, type TransferRepo } from './transfer';
import { createTrustRepo, type TrustRepo } from './trust';

export interface StoreOptions {
  readonly name?: string;
  readonly onEvent?: (event: StoreEvent) => void;
  /** Check-in ids; 128 random bits by default. Injectable for tests. */
  readonly randomId?: () => string;
  /** How long an open may stay blocked before it reports STORAGE_UNAVAILABLE instead of hanging. */
  readonly blockedTimeoutMs?: number;
  /** Every record moved to quarantine, whatever call found it (reads with a fixed result type report here only). */
  readonly onQuarantine?: (items: readonly QuarantinedItem[]) => void;
  /** Timestamps quarantine records only (everything else takes `now` from the caller). Injectable for tests. */
  readonly clock?: () => UnixSeconds;
}

/**
 * Everything the app, the service worker and the sync engine may do with the database: the repositories of
 * certificates.ts, check-ins.ts, trust.ts, transfer.ts and sync-state.ts, and these few of the store itself.
 */
export interface Store extends CertificateRepo, CheckInRepo, TrustRepo, TransferRepo, SyncRepos {
  /** The quarantined records, oldest first (for a diagnostics screen or an export by hand). */
  listQuarantine(): Promise<StoreResult<QuarantineRecord[]>>;
  /** Another tab (or store instance) committed a write to these stores. Returns the unsubscribe function. */
  onExternalChange(listener: (stores: readonly string[]) => void): () => void;
  /** Close the connection and the channel for good: every later call returns STORAGE_UNAVAILABLE. */
  close(): void;
}

export function createStore(options: StoreOptions = {}): Store {
  const name = options.name ?? DB_NAME;
  const broadcast = createBroadcast(name);
  const connection = openConnection({
    name,
    blockedTimeoutMs: options.blockedTimeoutMs ?? 5_000,
    onCommit: broadcast.notify,
    onEvent: options.onEvent,
  });
  const { listQuarantine, ...quarantine } = createQuarantine(connection.run, {
    clock: options.clock ?? (() => Math.floor(Date.now() / 1000)),
    onQuarantine: options.onQuarantine,
  });
  const ctx: StoreContext = { run: connection.run, ...quarantine };

  return {
    ...createCertificateRepo(ctx),
    ...createCheckInRepo(ctx, options.randomId ?? (() => randomHexId(16))),
    ...createTrustRepo(ctx),
    ...createTransferRepo(ctx),
    // The sync engine's records (outbox settlement, dead letters, exposures), in the same transactions.
    ...createSyncRepos(ctx),
    listQuarantine,
    onExternalChange: broadcast.onExternalChange,
    close() {
      connection.close();
      broadcast.close();
    },
  };
}
