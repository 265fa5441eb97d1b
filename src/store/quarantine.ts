/**
 * Quarantine: a record that fails its read-back check (records.ts) is never handed on. It is copied verbatim to
 * the `quarantine` store and deleted from its own in one durable transaction — after being read and checked
 * again there, since another tab may have fixed it — and reported to the caller and to `onQuarantine`. If that
 * write fails (quota), the record stays where it was, is reported with `moved: false`, and is tried again on the
 * next read: nothing the user stored is ever lost to a check.
 */
import type { UnixSeconds } from '../core/schema';
import type { ReadWriteTx, Run, Stores } from './connection';
import { type Checked, checkCertificate, checkCheckIn, checkMeta, checkOutbox } from './records';
import type { QuarantinedItem, StoreResult } from './result';
import type { CheckedStore, MetaKey, MetaValues, QuarantineReason, QuarantineRecord } from './schema';

/** A record found bad during a read, to be moved to quarantine. */
export interface Problem {
  readonly store: CheckedStore;
  readonly key: IDBValidKey;
  readonly reason: QuarantineReason;
  readonly detail: string;
}
export const problemOf = (store: CheckedStore, key: IDBValidKey, c: Checked<unknown> & { ok: false }): Problem => ({
  store,
  key,
  reason: c.reason,
  detail: c.detail,
});

/** Check every value read; split into good items and problems (keys come from the same read). */
export function checkAll<T>(
  store: CheckedStore,
  keys: readonly IDBValidKey[],
  values: readonly unknown[],
  check: (value: unknown) => Checked<T>,
): { good: T[]; problems: Problem[] } {
  const good: T[] = [];
  const problems: Problem[] = [];
  values.forEach((value, i) => {
    const c = check(value);
    if (c.ok) good.push(c.value);
    else problems.push(problemOf(store, keys[i] as IDBValidKey, c));
  });
  return { good, problems };
}

/** The read-back check of any record of a checked store (quarantine re-checks with it before moving). */
function checkRecord(store: CheckedStore, key: IDBValidKey, value: unknown): Checked<unknown> {
  switch (store) {
    case 'certificates':
      return checkCertificate(value);
    case 'checkins':
      return checkCheckIn(value);
    case 'outbox':
      return checkOutbox(value);
    case 'meta':
      // A key this version does not know (a newer app's): not ours to judge.
      return typeof key === 'string' && key in META_KEYS ? checkMeta(key as MetaKey, value) : { ok: true, value };
  }
}
const META_KEYS: { readonly [K in MetaKey]: true } = {
  bundle: true,
  trustedTime: true,
  bundleCheckedAt: true,
  roots: true,
  sync: true,
  deadLetters: true,
  exposures: true,
};

/** Minimal view of an object store inside a quarantine transaction (any checked store). */
interface RawStore {
  get(key: IDBValidKey): Promise<unknown>;
  delete(key: IDBValidKey): Promise<void>;
}

export interface Quarantine {
  /** Report quarantine moves (made inside a committed transaction) to `onQuarantine`; returns them. */
  report(items: readonly QuarantinedItem[]): readonly QuarantinedItem[];
  /**
   * Copy a bad record to `quarantine`, then delete it from its store — inside the caller's readwrite
   * transaction, which must include `quarantine` and the record's store.
   */
  quarantineInTx(tx: ReadWriteTx, problem: Problem, value: unknown): Promise<QuarantinedItem>;
  /** Move records a read found bad, in a transaction of its own. Never fails (see the module comment). */
  quarantine(problems: readonly Problem[]): Promise<readonly QuarantinedItem[]>;
  /** Read a meta value inside a readwrite transaction; a bad one is quarantined right there (→ undefined). */
  metaInTx<K extends MetaKey>(tx: ReadWriteTx, key: K, moved: QuarantinedItem[]): Promise<MetaValues[K] | undefined>;
  /** The quarantined records, oldest first (for a diagnostics screen or an export by hand). */
  listQuarantine(): Promise<StoreResult<QuarantineRecord[]>>;
}

export interface QuarantineOptions {
  /** Timestamps quarantine records (diagnostic only: reads take no `now`). */
  readonly clock: () => UnixSeconds;
  readonly onQuarantine?: (items: readonly QuarantinedItem[]) => void;
}

export function createQuarantine(run: Run, options: QuarantineOptions): Quarantine {
  const { clock, onQuarantine } = options;

  function report(items: readonly QuarantinedItem[]): readonly QuarantinedItem[] {
    if (items.length > 0) onQuarantine?.(items);
    return items;
  }

  async function quarantineInTx(tx: ReadWriteTx, problem: Problem, value: unknown): Promise<QuarantinedItem> {
    await tx.objectStore('quarantine').add({
      store: problem.store,
      key: problem.key,
      value,
      reason: problem.reason,
      detail: problem.detail,
      at: clock(),
    });
    await (tx.objectStore(problem.store) as unknown as RawStore).delete(problem.key);
    return { store: problem.store, key: problem.key, reason: problem.reason, detail: problem.detail, moved: true };
  }

  /**
   * One durable transaction. Each record is read and checked again first (another tab may have fixed or removed
   * it meanwhile). If the write fails, the items are reported with `moved: false` and stay where they are.
   */
  async function quarantine(problems: readonly Problem[]): Promise<readonly QuarantinedItem[]> {
    if (problems.length === 0) return [];
    const stores = [...new Set<Stores>(problems.map((p) => p.store)), 'quarantine' as const];
    const r = await run(
      stores,
      'readwrite',
      async (tx) => {
        const moved: QuarantinedItem[] = [];
        for (const p of problems) {
          const current = await (tx.objectStore(p.store) as unknown as RawStore).get(p.key);
          if (current === undefined) continue;
          const again = checkRecord(p.store, p.key, current);
          if (again.ok) continue;
          moved.push(await quarantineInTx(tx, { ...p, reason: again.reason, detail: again.detail }, current));
        }
        return moved;
      },
      'strict',
    );
    return report(
      r.ok
        ? r.value
        : problems.map((p) => ({ store: p.store, key: p.key, reason: p.reason, detail: p.detail, moved: false })),
    );
  }

  async function metaInTx<K extends MetaKey>(
    tx: ReadWriteTx,
    key: K,
    moved: QuarantinedItem[],
  ): Promise<MetaValues[K] | undefined> {
    const value: unknown = await tx.objectStore('meta').get(key);
    if (value === undefined) return undefined;
    const c = checkMeta(key, value);
    if (c.ok) return c.value;
    moved.push(await quarantineInTx(tx, problemOf('meta', key, c), value));
    return undefined;
  }

  function listQuarantine() {
    return run(['quarantine'], 'readonly', (tx) => tx.objectStore('quarantine').getAll());
  }

  return { report, quarantineInTx, quarantine, metaInTx, listQuarantine };
}
