/**
 * What the sync engine (src/sync) keeps on the phone besides the outbox: its state (last success, backoff,
 * the notices feed position and ETag), the **dead letters** (uploads the server refused for good, which the
 * user can see, retry or discard) and the **exposures** (notices matched against the history on the phone).
 *
 * All three live in `meta` under their own keys — `sync`, `deadLetters`, `exposures` — so no schema version
 * was needed (an older database simply has none of them). They are small: the dead letters are bounded by the
 * outbox, the exposures by the notices that hit one of the user's visits. Each is schema-checked on read like
 * every record (records.ts); a bad one is quarantined and reads as empty.
 *
 * The functions here run inside the store's transactions (`createSyncRepos` is called by createStore with its
 * `run`): moving an outbox entry to the dead letters, or settling a batch, is one durable transaction.
 */
import * as v from 'valibot';
import type { UnixSeconds } from '../core/schema';
import type { ReadWriteTx, Stores } from './connection';
import type { StoreContext } from './context';
import type { QuarantinedItem, StoreResult } from './result';
import type { CheckInRecord, OutboxOp, OutboxRecord } from './schema';
import {
  type DeadLetterRecord,
  deadLettersSchema,
  type ExposureRecord,
  exposuresSchema,
  INITIAL_SYNC_STATE,
  type SyncStateRecord,
  syncStateSchema,
} from './sync-records';

export type { DeadLetterRecord, ExposureRecord, SyncStateRecord };

/**
 * How long a match whose visit the user deleted is kept after the exposure ended: longer than any isolation
 * window (the demo's is 10 days) and as long as a deleted certificate's recycle bin; the rules decide within it.
 */
export const EXPOSURE_HOLD_SECONDS = 30 * 86_400;

/** One outbox entry with the check-in it uploads (absent: the visit is gone, e.g. retention ran). */
export interface PendingUpload {
  readonly entry: OutboxRecord;
  readonly checkin?: CheckInRecord;
}

export interface SyncSnapshot {
  readonly state: SyncStateRecord;
  readonly deadLetters: readonly DeadLetterRecord[];
  readonly exposures: readonly ExposureRecord[];
  /** Items waiting in the outbox. */
  readonly waiting: number;
}

export type OutboxKey = readonly [id: string, op: OutboxOp];

/** What createStore lends this module: its transaction runner and its checked meta reads. */
export type SyncRepoDeps = Pick<StoreContext, 'run' | 'metaInTx' | 'report'>;

/** The sync engine's repositories (createStore spreads them into the Store). */
export interface SyncRepos {
  /**
   * Everything the status UI and the sync engine read, in one read-only transaction (a read must not announce
   * a write: other tabs refresh on every announced write). Only when a value fails its check does a second,
   * readwrite transaction quarantine it (metaInTx); it then reads as empty.
   */
  loadSync(): Promise<StoreResult<SyncSnapshot>>;
  /**
   * The oldest `limit` outbox entries (by createdAt, then key) with their check-ins. Entries that fail their
   * read-back check are skipped here (listOutbox quarantines them).
   */
  pendingUploads(limit: number): Promise<StoreResult<PendingUpload[]>>;
  /**
   * Settle one uploaded batch in one durable transaction: `done` entries leave the outbox (the server holds
   * them), `dead` ones move to the dead letters, and the sync state is patched. An entry re-queued meanwhile
   * with a newer createdAt (which cannot happen while ids are random and each op is written once) would still be
   * removed: the server's answer is about the id, its idempotency key.
   */
  settleUploads(input: {
    readonly done: readonly OutboxKey[];
    readonly dead: readonly Omit<DeadLetterRecord, 'createdAt'>[];
    readonly patch?: Partial<SyncStateRecord>;
  }): Promise<StoreResult<void>>;
  /** Patch the sync state (`undefined` in the patch clears a field), in one durable transaction. */
  updateSyncState(patch: Partial<SyncStateRecord>): Promise<StoreResult<void>>;
  /**
   * Put dead letters back in the outbox (the user tapped "retry"): one durable transaction. A dead letter
   * whose visit is gone (retention) is dropped instead. Returns how many went back.
   */
  retryDeadLetters(keys: readonly OutboxKey[], now: UnixSeconds): Promise<StoreResult<number>>;
  /** Forget dead letters for good (the user tapped "discard"). The visits stay in the history. */
  discardDeadLetters(keys: readonly OutboxKey[]): Promise<StoreResult<void>>;
  /**
   * Record a notices page: new matches merged into the exposures (a match is identified by notice seq and
   * check-in id, so a page read twice adds nothing), and the feed position moved on — together, so a crash
   * cannot skip notices or lose their matches. Exposures whose visit is gone (retention) are dropped, but for
   * those the user deleted, held until EXPOSURE_HOLD_SECONDS after the exposure.
   * Returns the matches that are new.
   */
  recordNotices(input: {
    readonly matches: readonly (Omit<ExposureRecord, 'matchedAt' | 'people'> & {
      readonly people: readonly string[];
    })[];
    readonly now: UnixSeconds;
    readonly patch: Partial<SyncStateRecord>;
  }): Promise<StoreResult<ExposureRecord[]>>;
  /**
   * The exposures no system notification was shown for yet, marked as notified in the same transaction: of two
   * tabs (or a tab and the worker) asking at once, exactly one gets them.
   */
  claimExposureNotifications(now: UnixSeconds): Promise<StoreResult<ExposureRecord[]>>;
}

const sameKey = (a: { id: string; op: OutboxOp }, b: OutboxKey) => a.id === b[0] && a.op === b[1];

export function createSyncRepos(deps: SyncRepoDeps): SyncRepos {
  const { run, metaInTx, report } = deps;

  /** Read-modify-write of sync meta in one durable transaction over `stores` (meta and quarantine always). */
  async function change<T>(extra: Stores[], fn: (tx: ReadWriteTx, moved: QuarantinedItem[]) => Promise<T>) {
    const moved: QuarantinedItem[] = [];
    const stores = [...new Set<Stores>([...extra, 'meta', 'quarantine'])];
    const r = await run(stores, 'readwrite', (tx) => fn(tx, moved), 'strict');
    if (r.ok) report(moved);
    return r;
  }

  async function loadSync(): Promise<StoreResult<SyncSnapshot>> {
    const r = await run(['meta', 'outbox'], 'readonly', async (tx) => {
      const meta = tx.objectStore('meta');
      const [state, deadLetters, exposures, waiting] = await Promise.all([
        meta.get('sync'),
        meta.get('deadLetters'),
        meta.get('exposures'),
        tx.objectStore('outbox').count(),
      ]);
      return { state, deadLetters, exposures, waiting };
    });
    if (!r.ok) return r;
    const raw = r.value;
    const valid =
      (raw.state === undefined || v.is(syncStateSchema, raw.state)) &&
      (raw.deadLetters === undefined || v.is(deadLettersSchema, raw.deadLetters)) &&
      (raw.exposures === undefined || v.is(exposuresSchema, raw.exposures));
    if (valid)
      return {
        ok: true,
        value: {
          state: (raw.state as SyncStateRecord | undefined) ?? INITIAL_SYNC_STATE,
          deadLetters: (raw.deadLetters as DeadLetterRecord[] | undefined) ?? [],
          exposures: (raw.exposures as ExposureRecord[] | undefined) ?? [],
          waiting: raw.waiting,
        },
      };
    return change(['outbox'], async (tx, moved) => ({
      state: (await metaInTx(tx, 'sync', moved)) ?? INITIAL_SYNC_STATE,
      deadLetters: (await metaInTx(tx, 'deadLetters', moved)) ?? [],
      exposures: (await metaInTx(tx, 'exposures', moved)) ?? [],
      waiting: await tx.objectStore('outbox').count(),
    }));
  }

  function pendingUploads(limit: number): Promise<StoreResult<PendingUpload[]>> {
    return run(['outbox', 'checkins'], 'readonly', async (tx) => {
      const all = (await tx.objectStore('outbox').getAll()).filter(
        (e): e is OutboxRecord =>
          !!e &&
          typeof e.id === 'string' &&
          (e.op === 'checkin' || e.op === 'checkout') &&
          Number.isFinite(e.createdAt),
      );
      // A check-in before its own check-out when both wait with the same time.
      all.sort(
        (a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : a.op === 'checkin' ? -1 : 1),
      );
      const picked = all.slice(0, Math.max(0, limit));
      const checkins = tx.objectStore('checkins');
      return Promise.all(
        picked.map(async (entry) => {
          const checkin = await checkins.get(entry.id);
          return checkin ? { entry, checkin } : { entry };
        }),
      );
    });
  }

  function settleUploads(input: {
    readonly done: readonly OutboxKey[];
    readonly dead: readonly Omit<DeadLetterRecord, 'createdAt'>[];
    readonly patch?: Partial<SyncStateRecord>;
  }): Promise<StoreResult<void>> {
    return change(['outbox'], async (tx, moved) => {
      const outbox = tx.objectStore('outbox');
      for (const key of input.done) await outbox.delete([key[0], key[1]]);
      if (input.dead.length > 0) {
        const letters = [...((await metaInTx(tx, 'deadLetters', moved)) ?? [])];
        for (const d of input.dead) {
          const entry = await outbox.get([d.id, d.op]);
          await outbox.delete([d.id, d.op]);
          const record: DeadLetterRecord = { ...d, createdAt: entry?.createdAt ?? d.failedAt };
          const at = letters.findIndex((l) => sameKey(l, [d.id, d.op]));
          if (at >= 0) letters[at] = record;
          else letters.push(record);
        }
        await tx.objectStore('meta').put(letters, 'deadLetters');
      }
      if (input.patch) await patchState(tx, moved, input.patch);
    });
  }

  async function patchState(tx: ReadWriteTx, moved: QuarantinedItem[], patch: Partial<SyncStateRecord>) {
    const current = (await metaInTx(tx, 'sync', moved)) ?? INITIAL_SYNC_STATE;
    const next: Record<string, unknown> = { ...current, ...patch };
    // `undefined` in a patch clears the field (valibot's optional fields must be absent, not undefined).
    for (const k of Object.keys(next)) if (next[k] === undefined) delete next[k];
    await tx.objectStore('meta').put(next as SyncStateRecord, 'sync');
  }

  function updateSyncState(patch: Partial<SyncStateRecord>): Promise<StoreResult<void>> {
    return change([], (tx, moved) => patchState(tx, moved, patch));
  }

  function retryDeadLetters(keys: readonly OutboxKey[], now: UnixSeconds): Promise<StoreResult<number>> {
    return change(['outbox', 'checkins'], async (tx, moved) => {
      const letters = (await metaInTx(tx, 'deadLetters', moved)) ?? [];
      const keep: DeadLetterRecord[] = [];
      let n = 0;
      for (const l of letters) {
        if (!keys.some((k) => sameKey(l, k))) {
          keep.push(l);
          continue;
        }
        if ((await tx.objectStore('checkins').getKey(l.id)) === undefined) continue;
        await tx.objectStore('outbox').put({ id: l.id, op: l.op, createdAt: l.createdAt });
        n++;
      }
      await tx.objectStore('meta').put(keep, 'deadLetters');
      // A user's retry is "now": whatever backoff was pending does not apply to it.
      if (n > 0) await patchState(tx, moved, { nextAttemptAt: now, failures: 0 });
      return n;
    });
  }

  function discardDeadLetters(keys: readonly OutboxKey[]): Promise<StoreResult<void>> {
    return change([], async (tx, moved) => {
      const letters = (await metaInTx(tx, 'deadLetters', moved)) ?? [];
      await tx.objectStore('meta').put(
        letters.filter((l) => !keys.some((k) => sameKey(l, k))),
        'deadLetters',
      );
    });
  }

  function recordNotices(input: {
    readonly matches: readonly (Omit<ExposureRecord, 'matchedAt' | 'people'> & {
      readonly people: readonly string[];
    })[];
    readonly now: UnixSeconds;
    readonly patch: Partial<SyncStateRecord>;
  }): Promise<StoreResult<ExposureRecord[]>> {
    return change(['checkins'], async (tx, moved) => {
      const current = (await metaInTx(tx, 'exposures', moved)) ?? [];
      const kept: ExposureRecord[] = [];
      for (const e of current)
        if (
          e.visitDeleted
            ? input.now < e.to + EXPOSURE_HOLD_SECONDS
            : (await tx.objectStore('checkins').getKey(e.checkInId)) !== undefined
        )
          kept.push(e);
      const added: ExposureRecord[] = [];
      for (const m of input.matches) {
        if (kept.some((e) => e.seq === m.seq && e.checkInId === m.checkInId)) continue;
        if ((await tx.objectStore('checkins').getKey(m.checkInId)) === undefined) continue;
        const record: ExposureRecord = { ...m, people: [...m.people], matchedAt: input.now };
        kept.push(record);
        added.push(record);
      }
      if (added.length > 0 || kept.length !== current.length) await tx.objectStore('meta').put(kept, 'exposures');
      await patchState(tx, moved, input.patch);
      return added;
    });
  }

  function claimExposureNotifications(now: UnixSeconds): Promise<StoreResult<ExposureRecord[]>> {
    return change([], async (tx, moved) => {
      const current = (await metaInTx(tx, 'exposures', moved)) ?? [];
      const claimed = current.filter((e) => e.notifiedAt === undefined);
      if (claimed.length > 0)
        await tx.objectStore('meta').put(
          current.map((e) => (e.notifiedAt === undefined ? { ...e, notifiedAt: now } : e)),
          'exposures',
        );
      return claimed;
    });
  }

  return {
    loadSync,
    pendingUploads,
    settleUploads,
    updateSyncState,
    retryDeadLetters,
    discardDeadLetters,
    recordNotices,
    claimExposureNotifications,
  };
}
