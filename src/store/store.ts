/**
 * Repositories over the app's IndexedDB. Every function returns a value — `{ok: true, value}` or
 * `{ok: false, error: {code}}` — and never throws into the UI. Durable writes (certificates, a check-in
 * with its outbox entry, a bundle with the trusted-time high-water mark) use `durability: 'strict'`
 * (Chrome's default became relaxed in 121) and share one transaction, so they land together or not at all.
 */
import { type IDBPDatabase, type IDBPTransaction, openDB, type StoreNames } from 'idb';
import * as v from 'valibot';
import { type AdmissionErrorCode, checkAdmission, type PersonAdmission } from '../core/admission';
import { decodeHeldCertificate } from '../core/dcc-codec';
import { loadDccCodecFor } from '../core/dcc-codec-load';
import { type HeldCertificate, identityOf, issuedAtOf } from '../core/held-certificate';
import type { UnixSeconds } from '../core/schema';
import { decodeVenue, type SignedVenue } from '../core/venue';
import {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  type ExportFile,
  exportFileSchema,
  type ImportSummary,
  MAX_IMPORT_BYTES,
} from './export-format';
import {
  type Checked,
  checkCertificate,
  checkCheckIn,
  checkMeta,
  checkOutbox,
  type StoredCertificate,
} from './records';
import type { QuarantinedItem, StoreError, StoreErrorCode, StoreResult } from './result';
import {
  type BundleRecord,
  type CertificateRecord,
  type CheckedStore,
  type CheckInRecord,
  DB_NAME,
  DB_VERSION,
  type MetaKey,
  type MetaValues,
  migrate,
  type OutboxRecord,
  type QuarantineReason,
  type SinggahDB,
} from './schema';
import { createSyncRepos, type ExposureRecord } from './sync-state';

export type { QuarantinedItem, StoredCertificate, StoreError, StoreErrorCode, StoreResult };

/** What the UI is told about the connection (to show a banner); the store recovers by itself otherwise. */
export type StoreEvent =
  /** Another tab holds an older connection: our upgrade waits for it to close. */
  | 'blocked'
  /** Another tab (a newer app version) wants to upgrade: we closed our connection; this tab should reload. */
  | 'versionchange'
  /** The browser closed the connection abnormally; the next call reopens it. */
  | 'terminated';

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

/** A list read: the good records, and whatever was quarantined on the way. */
export interface Listed<T> {
  readonly items: readonly T[];
  readonly quarantined: readonly QuarantinedItem[];
}

export interface CertificateList {
  readonly certificates: readonly StoredCertificate[];
  readonly quarantined: readonly QuarantinedItem[];
}

/** Where a history page ends: pass it as `before` for the next (older) page. */
export interface CheckInPosition {
  readonly checkedInAt: UnixSeconds;
  readonly id: string;
}
export interface CheckInPage extends Listed<CheckInRecord> {
  /** Absent on the last page. */
  readonly next?: CheckInPosition;
}

export interface StoredBundleState {
  readonly bundle?: BundleRecord;
  readonly trustedTime: UnixSeconds;
  readonly checkedAt?: UnixSeconds;
  /** Present only when a meta record failed its check (and was quarantined) during this load. */
  readonly quarantined?: readonly QuarantinedItem[];
}

/** Posted on BroadcastChannel(STORE_CHANNEL) after every committed write. */
export interface StoreChange {
  readonly type: 'changed';
  /** The database name, so stores of other databases (tests) ignore it. */
  readonly db: string;
  readonly stores: readonly string[];
}
export const STORE_CHANNEL = 'singgah-store';

/** Deleted certificates stay restorable this long. */
export const RECYCLE_BIN_SECONDS = 30 * 86_400;

export interface CheckInInput {
  readonly venue: SignedVenue;
  /** Who goes in, each with their decision at the door: only the admitted are written (core checkAdmission). */
  readonly people: readonly PersonAdmission[];
  readonly now: UnixSeconds;
  /** The stay chosen at the door (the model checks it against the signed policy's cap); default: the venue's. */
  readonly stayMinutes?: number;
  /**
   * One open visit at a time: check out, at `now`, every other visit still open (with its outbox entry, in the
   * same transaction). The app always asks for it (AppModel.checkIn); bulk writers (tests, benchmarks) need not.
   */
  readonly endOpenVisits?: boolean;
}

/** The longest stay the store writes, whatever the caller asks: a venue's default stay is at most a day. */
export const MAX_STAY_MINUTES = 1440;

export type Store = ReturnType<typeof createStore>;

const ok = <T>(value: T): StoreResult<T> => ({ ok: true, value });
const fail = <T = never>(code: StoreErrorCode, detail?: string): StoreResult<T> => ({
  ok: false,
  error: detail === undefined ? { code } : { code, detail },
});

export function randomHexId(bytes = 16): string {
  const b = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** A visit is active until it is checked out or its automatic check-out time has passed. */
export const isActiveCheckIn = (c: CheckInRecord, now: UnixSeconds): boolean =>
  c.checkedOutAt === undefined && now < c.autoCheckOutAt;

/** When the visit ended (or will end automatically). */
export const checkInEnd = (c: CheckInRecord): UnixSeconds => c.checkedOutAt ?? c.autoCheckOutAt;

function errorName(e: unknown): string {
  if (e && typeof e === 'object' && 'name' in e && typeof e.name === 'string') return e.name;
  return 'Error';
}

function describeError(e: unknown): string {
  const message = e && typeof e === 'object' && 'message' in e ? String(e.message) : String(e);
  return `${errorName(e)}: ${message}`;
}

/** DOMException → our code. A transaction aborted by a quota failure reports QuotaExceededError. */
function toStoreError<T>(e: unknown): StoreResult<T> {
  const name = errorName(e);
  if (name === 'QuotaExceededError') return fail('STORAGE_QUOTA_EXCEEDED', describeError(e));
  if (name === 'InvalidStateError' || name === 'UnknownError' || name === 'VersionError' || name === 'SecurityError')
    return fail('STORAGE_UNAVAILABLE', describeError(e));
  return fail('STORAGE_FAILED', describeError(e));
}

/**
 * Errors after which the connection itself is suspect (closed, or Safari's "Connection to Indexed
 * Database server lost"): drop it and reopen rather than retry on the stale handle (WebKit 197050).
 */
const isConnectionError = (e: unknown) => {
  const name = errorName(e);
  return name === 'InvalidStateError' || name === 'UnknownError';
};

class NotFound extends Error {
  override readonly name = 'NotFound';
  constructor(
    readonly code: 'CHECKIN_NOT_FOUND' | 'CERTIFICATE_NOT_FOUND',
    key: string,
  ) {
    super(key);
  }
}

/** A record found bad during a read, to be moved to quarantine. */
interface Problem {
  readonly store: CheckedStore;
  readonly key: IDBValidKey;
  readonly reason: QuarantineReason;
  readonly detail: string;
}
const problemOf = (store: CheckedStore, key: IDBValidKey, c: Checked<unknown> & { ok: false }): Problem => ({
  store,
  key,
  reason: c.reason,
  detail: c.detail,
});

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
      return typeof key === 'string' && key in META_KEYS ? checkMeta(key as MetaKey, value) : { ok: true, value }; // a key this version does not know: not ours to judge
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

type Stores = StoreNames<SinggahDB>;
type Tx<S extends Stores[], M extends IDBTransactionMode> = IDBPTransaction<SinggahDB, S, M>;

export function createStore(options: StoreOptions = {}) {
  const name = options.name ?? DB_NAME;
  const randomId = options.randomId ?? (() => randomHexId(16));
  const blockedTimeoutMs = options.blockedTimeoutMs ?? 5_000;
  const clock = options.clock ?? (() => Math.floor(Date.now() / 1000));
  let opening: Promise<StoreResult<IDBPDatabase<SinggahDB>>> | undefined;
  let closed = false;
  /**
   * Set on `versionchange`: a newer app version in another tab is upgrading the database. This tab's code is
   * older than the schema from then on, so it neither reopens nor writes — every call fails with
   * STORAGE_UNAVAILABLE (reported, never silently dropped) until the page reloads with the new code.
   */
  let superseded = false;

  function forget(db?: IDBPDatabase<SinggahDB>) {
    opening = undefined;
    try {
      db?.close();
    } catch {
      // already closed
    }
  }

  function open(): Promise<StoreResult<IDBPDatabase<SinggahDB>>> {
    if (closed) return Promise.resolve(fail('STORAGE_UNAVAILABLE', 'store closed'));
    if (superseded)
      return Promise.resolve(fail('STORAGE_UNAVAILABLE', 'a newer version took over the database: reload'));
    if (opening) return opening;
    if (typeof indexedDB === 'undefined') return Promise.resolve(fail('STORAGE_UNAVAILABLE', 'no IndexedDB'));
    // `attempt` may settle synchronously (openDB throwing, e.g. storage disabled): never keep a failed one.
    let attempt: Promise<StoreResult<IDBPDatabase<SinggahDB>>> | undefined;
    let failed = false;
    attempt = new Promise<StoreResult<IDBPDatabase<SinggahDB>>>((resolve) => {
      let settled = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const settle = (r: StoreResult<IDBPDatabase<SinggahDB>>) => {
        if (timer !== undefined) clearTimeout(timer);
        if (!settled) {
          settled = true;
          if (!r.ok) {
            failed = true;
            if (attempt !== undefined && opening === attempt) opening = undefined;
          }
          resolve(r);
        }
      };
      let request: Promise<IDBPDatabase<SinggahDB>>;
      try {
        request = openDB<SinggahDB>(name, DB_VERSION, {
          upgrade: (db, oldVersion, _newVersion, tx) => migrate(db, oldVersion, tx),
          blocked: () => {
            options.onEvent?.('blocked');
            // `blocked` must settle, not hang: report it; a later call tries again.
            timer ??= setTimeout(
              () => settle(fail('STORAGE_UNAVAILABLE', 'open blocked by another tab')),
              blockedTimeoutMs,
            );
          },
          blocking: (_current, _next, event) => {
            // A newer version elsewhere wants to upgrade: close at once so it can; this tab must reload.
            (event.target as IDBDatabase).close();
            superseded = true;
            if (attempt !== undefined && opening === attempt) opening = undefined;
            options.onEvent?.('versionchange');
          },
          terminated: () => {
            opening = undefined;
            options.onEvent?.('terminated');
          },
        });
      } catch (e) {
        settle(toStoreError(e));
        return;
      }
      request.then(
        (db) => {
          if (settled) db.close();
          else settle(ok(db));
        },
        (e) => settle(toStoreError(e)),
      );
    });
    if (!failed) opening = attempt;
    return attempt;
  }

  /** Run `fn` in one transaction; abort on any failure; retry once on a fresh connection if it broke. */
  async function run<S extends Stores[], M extends IDBTransactionMode, T>(
    stores: S,
    mode: M,
    fn: (tx: Tx<S, M>) => Promise<T>,
    durability: 'strict' | 'default' = 'default',
  ): Promise<StoreResult<T>> {
    for (let attempt = 0; ; attempt++) {
      const conn = await open();
      if (!conn.ok) return conn;
      let tx: Tx<S, M> | undefined;
      try {
        tx = conn.value.transaction(stores, mode, { durability });
        const done = tx.done;
        done.catch(() => {}); // observed below; never an unhandled rejection
        const value = await fn(tx);
        await done;
        if (mode === 'readwrite') notify(stores);
        return ok(value);
      } catch (e) {
        // A synchronous throw inside fn does not abort the transaction by itself: abort so that nothing
        // written earlier in it commits.
        try {
          tx?.abort();
        } catch {
          // already finished or aborted
        }
        if (e instanceof NotFound) return fail(e.code, e.message);
        if (attempt === 0 && isConnectionError(e)) {
          forget(conn.value);
          continue;
        }
        return toStoreError(e);
      }
    }
  }

  // ---- cross-tab ----

  let channel: BroadcastChannel | undefined;
  const externalListeners = new Set<(stores: readonly string[]) => void>();

  function getChannel(): BroadcastChannel | undefined {
    if (channel || closed || typeof BroadcastChannel === 'undefined') return channel;
    try {
      channel = new BroadcastChannel(STORE_CHANNEL);
    } catch {
      return undefined;
    }
    channel.onmessage = (e: MessageEvent) => {
      const m = e.data as Partial<StoreChange> | null;
      if (m?.type !== 'changed' || m.db !== name || !Array.isArray(m.stores)) return;
      for (const listener of externalListeners) listener(m.stores);
    };
    // Node (tests): do not keep the process alive for the channel.
    (channel as { unref?: () => void }).unref?.();
    return channel;
  }

  function notify(stores: readonly string[]) {
    const message: StoreChange = { type: 'changed', db: name, stores: [...stores] };
    try {
      getChannel()?.postMessage(message);
    } catch {
      // a closed channel: other tabs refresh on their next read
    }
  }

  /** Another tab (or store instance) committed a write to these stores. Returns the unsubscribe function. */
  function onExternalChange(listener: (stores: readonly string[]) => void): () => void {
    externalListeners.add(listener);
    getChannel();
    return () => externalListeners.delete(listener);
  }

  // ---- quarantine ----

  function report(items: readonly QuarantinedItem[]): readonly QuarantinedItem[] {
    if (items.length > 0) options.onQuarantine?.(items);
    return items;
  }

  /**
   * Copy a bad record to `quarantine`, then delete it from its store — inside the caller's readwrite
   * transaction, which must include `quarantine` and the record's store.
   */
  async function quarantineInTx(
    tx: IDBPTransaction<SinggahDB, Stores[], 'readwrite'>,
    problem: Problem,
    value: unknown,
  ): Promise<QuarantinedItem> {
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
   * Move records found bad by a read to quarantine in one durable transaction. Each is read and checked again
   * first (another tab may have fixed or removed it meanwhile). Never fails: if the write fails, the items are
   * reported with `moved: false` and stay where they are.
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

  /** The quarantined records, oldest first (for a diagnostics screen or an export by hand). */
  async function listQuarantine() {
    return run(['quarantine'], 'readonly', (tx) => tx.objectStore('quarantine').getAll());
  }

  /** Check every value read; split into good items and problems (keys come from the same read). */
  function sort<T>(
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

  // ---- certificates ----

  /**
   * Save a decoded (and, by the caller, verified) certificate. Saving the same one again is a no-op; saving one
   * that is in the recycle bin restores it (`alreadySaved: false`: it is back in the wallet).
   */
  async function saveCertificate(
    signed: HeldCertificate,
    now: UnixSeconds,
    person?: string,
  ): Promise<StoreResult<{ record: CertificateRecord; alreadySaved: boolean }>> {
    const record: CertificateRecord = {
      ...identityOf(signed),
      code: signed.code,
      importedAt: now,
      ...(person !== undefined ? { person } : {}),
    };
    return run(
      ['certificates'],
      'readwrite',
      async (tx) => {
        const store = tx.objectStore('certificates');
        const existing = await store.get(record.contentId);
        if (existing && existing.deletedAt !== undefined) {
          const { deletedAt: _, ...restored } = existing;
          await store.put(restored);
          return { record: restored, alreadySaved: false };
        }
        if (existing) return { record: existing, alreadySaved: true };
        await store.add(record);
        return { record, alreadySaved: false };
      },
      'strict',
    );
  }

  async function readCertificates(deleted: boolean) {
    return run(['certificates'], 'readonly', async (tx) => {
      const source = deleted ? tx.objectStore('certificates').index('by-deletedAt') : tx.objectStore('certificates');
      const [keys, values] = await Promise.all([
        deleted ? tx.objectStore('certificates').index('by-deletedAt').getAllKeys() : source.getAllKeys(),
        source.getAll(),
      ]);
      await loadDccCodecFor(values);
      return sort('certificates', keys, values, checkCertificate);
    });
  }

  /**
   * The wallet: every stored certificate not in the recycle bin, decoded again from its code (newest issued
   * first). A record that fails its check (shape, code no longer decodes, code does not match) is quarantined.
   */
  async function listCertificates(): Promise<StoreResult<CertificateList>> {
    const r = await readCertificates(false);
    if (!r.ok) return r;
    const quarantined = await quarantine(r.value.problems);
    const certificates = r.value.good
      .filter((c) => c.record.deletedAt === undefined)
      .sort((a, b) => issuedAtOf(b.signed) - issuedAtOf(a.signed));
    return ok({ certificates, quarantined });
  }

  /** Deleted certificates still restorable, most recently deleted first. */
  async function listRecycleBin(): Promise<StoreResult<CertificateList>> {
    const r = await readCertificates(true);
    if (!r.ok) return r;
    const quarantined = await quarantine(r.value.problems);
    const certificates = r.value.good.sort((a, b) => (b.record.deletedAt ?? 0) - (a.record.deletedAt ?? 0));
    return ok({ certificates, quarantined });
  }

  /** Durable read-modify-write of one certificate record; `change` returns undefined for "nothing to do". */
  function changeCertificate(
    contentId: string,
    change: (current: CertificateRecord) => CertificateRecord | undefined,
  ): Promise<StoreResult<CertificateRecord>> {
    return run(
      ['certificates'],
      'readwrite',
      async (tx) => {
        const store = tx.objectStore('certificates');
        const current = await store.get(contentId);
        if (!current) throw new NotFound('CERTIFICATE_NOT_FOUND', contentId);
        const next = change(current);
        if (next) await store.put(next);
        return next ?? current;
      },
      'strict',
    );
  }

  /** Move a certificate to the recycle bin (durable). Deleting it again keeps the first deletedAt. */
  const deleteCertificate = (contentId: string, now: UnixSeconds) =>
    changeCertificate(contentId, (c) => (c.deletedAt === undefined ? { ...c, deletedAt: now } : undefined));

  /** Take a certificate out of the recycle bin (durable). */
  const restoreCertificate = (contentId: string) =>
    changeCertificate(contentId, ({ deletedAt, ...restored }) => (deletedAt === undefined ? undefined : restored));

  /** Delete for good what was put in the recycle bin more than 30 days before `now`. Returns how many. */
  async function purgeRecycleBin(now: UnixSeconds): Promise<StoreResult<number>> {
    return run(
      ['certificates'],
      'readwrite',
      async (tx) => {
        let n = 0;
        let cursor = await tx
          .objectStore('certificates')
          .index('by-deletedAt')
          .openCursor(IDBKeyRange.upperBound(now - RECYCLE_BIN_SECONDS, true));
        while (cursor) {
          await cursor.delete();
          n++;
          cursor = await cursor.continue();
        }
        return n;
      },
      'strict',
    );
  }

  // ---- check-ins ----

  /**
   * Record a visit and its outbox entry in one durable transaction. Refuses anyone refused at the door (or
   * unverifiable without a confirmed hand check) before touching the database. With `endOpenVisits`, any other
   * visit still open is checked out at `now`, with its outbox entry, in the same transaction.
   */
  async function checkIn(input: CheckInInput): Promise<StoreResult<CheckInRecord>> {
    const admitted = checkAdmission(input.people);
    if (!admitted.ok) return fail(admitted.error.code as AdmissionErrorCode, admitted.error.detail);
    const { venue } = input.venue;
    const stay = input.stayMinutes ?? venue.stayMinutes;
    if (!Number.isInteger(stay) || stay < 1 || stay > MAX_STAY_MINUTES) return fail('STAY_OUT_OF_RANGE', String(stay));
    const record: CheckInRecord = {
      id: randomId(),
      venueCode: input.venue.code,
      venueId: venue.id,
      venueName: venue.name,
      people: admitted.value,
      checkedInAt: input.now,
      autoCheckOutAt: input.now + stay * 60,
    };
    const outbox: OutboxRecord = { id: record.id, op: 'checkin', createdAt: input.now };
    return run(
      ['checkins', 'outbox'],
      'readwrite',
      async (tx) => {
        const checkins = tx.objectStore('checkins');
        // Visits that may still be open began within the longest stay before now (the by-checkedInAt index).
        const recent = !input.endOpenVisits
          ? []
          : await checkins
              .index('by-checkedInAt')
              .getAll(IDBKeyRange.bound(input.now - MAX_STAY_MINUTES * 60, input.now));
        for (const raw of recent) {
          // A damaged record is left for the quarantine sweep: only a readable open visit is closed.
          const read = checkCheckIn(raw);
          if (!read.ok) continue;
          const open = read.value;
          if (open.id === record.id || !isActiveCheckIn(open, input.now)) continue;
          await checkins.put({ ...open, checkedOutAt: Math.max(open.checkedInAt, input.now) });
          await tx.objectStore('outbox').put({ id: open.id, op: 'checkout', createdAt: input.now });
        }
        await checkins.add(record);
        await tx.objectStore('outbox').add(outbox);
        return record;
      },
      'strict',
    );
  }

  /**
   * End a visit now (never before it began, never after its automatic end). Checking out twice changes
   * nothing; the outbox entry is written in the same transaction.
   */
  async function checkOut(id: string, now: UnixSeconds): Promise<StoreResult<CheckInRecord>> {
    return run(
      ['checkins', 'outbox'],
      'readwrite',
      async (tx) => {
        const checkins = tx.objectStore('checkins');
        const current = await checkins.get(id);
        if (!current) throw new NotFound('CHECKIN_NOT_FOUND', id);
        if (current.checkedOutAt !== undefined) return current;
        const updated: CheckInRecord = {
          ...current,
          checkedOutAt: Math.max(current.checkedInAt, Math.min(now, current.autoCheckOutAt)),
        };
        await checkins.put(updated);
        await tx.objectStore('outbox').put({ id, op: 'checkout', createdAt: now });
        return updated;
      },
      'strict',
    );
  }

  /**
   * The user deletes one visit from the history (durable). Its outbox entries go in the same transaction — an
   * upload of a visit the user removed would be a leak — and so do its dead letters and low-level exposure
   * matches. A high-level match stays, marked `visitDeleted`: a black status the rules derive from it must not be
   * erased by deleting the visit (docs/SECURITY.md), and its alert still says why. Deleting a visit that is not
   * there: CHECKIN_NOT_FOUND.
   */
  async function deleteCheckIn(id: string): Promise<StoreResult<void>> {
    const moved: QuarantinedItem[] = [];
    const r = await run(
      ['checkins', 'outbox', 'meta', 'quarantine'],
      'readwrite',
      async (tx) => {
        const checkins = tx.objectStore('checkins');
        if ((await checkins.getKey(id)) === undefined) throw new NotFound('CHECKIN_NOT_FOUND', id);
        await checkins.delete(id);
        await tx.objectStore('outbox').delete([id, 'checkin']);
        await tx.objectStore('outbox').delete([id, 'checkout']);
        const letters = await metaInTx(tx, 'deadLetters', moved);
        if (letters?.some((l) => l.id === id))
          await tx.objectStore('meta').put(
            letters.filter((l) => l.id !== id),
            'deadLetters',
          );
        const exposures = await metaInTx(tx, 'exposures', moved);
        if (exposures?.some((e) => e.checkInId === id)) {
          const held: ExposureRecord[] = exposures.flatMap((e) =>
            e.checkInId !== id ? [e] : e.level === 'high' ? [{ ...e, visitDeleted: true as const }] : [],
          );
          await tx.objectStore('meta').put(held, 'exposures');
        }
      },
      'strict',
    );
    if (r.ok) report(moved);
    return r;
  }

  /**
   * One page of history, newest first (ties in time by id, descending), strictly older than `before`: a
   * cursor over the `by-checkedInAt-id` index that stops after `limit` records — never a read of everything.
   */
  async function listCheckInsPage(query: {
    readonly before?: CheckInPosition;
    readonly limit: number;
  }): Promise<StoreResult<CheckInPage>> {
    const { before, limit } = query;
    const r = await run(['checkins'], 'readonly', async (tx) => {
      const items: CheckInRecord[] = [];
      const problems: Problem[] = [];
      let next: CheckInPosition | undefined;
      if (!(limit > 0)) return { items, problems, next };
      const range = before ? IDBKeyRange.upperBound([before.checkedInAt, before.id], true) : null;
      let cursor = await tx.objectStore('checkins').index('by-checkedInAt-id').openCursor(range, 'prev');
      while (cursor) {
        if (items.length >= limit) {
          const last = items[items.length - 1] as CheckInRecord;
          next = { checkedInAt: last.checkedInAt, id: last.id };
          break;
        }
        const c = checkCheckIn(cursor.value);
        if (c.ok) items.push(c.value);
        else problems.push(problemOf('checkins', cursor.primaryKey, c));
        cursor = await cursor.continue();
      }
      return { items, problems, next };
    });
    if (!r.ok) return r;
    const quarantined = await quarantine(r.value.problems);
    const { items, next } = r.value;
    return ok(next ? { items, quarantined, next } : { items, quarantined });
  }

  /** Newest first, up to `limit` (all by default). */
  async function listCheckIns(limit = Number.POSITIVE_INFINITY): Promise<StoreResult<Listed<CheckInRecord>>> {
    const r = await listCheckInsPage({ limit });
    return r.ok ? ok({ items: r.value.items, quarantined: r.value.quarantined }) : r;
  }

  /** The newest active visit at a venue (rescanning its QR checks out), if any. */
  async function activeCheckInAt(venueId: string, now: UnixSeconds): Promise<StoreResult<CheckInRecord | undefined>> {
    const r = await run(['checkins'], 'readonly', async (tx) => {
      const index = tx.objectStore('checkins').index('by-venueId');
      const [keys, values] = await Promise.all([index.getAllKeys(venueId), index.getAll(venueId)]);
      return sort('checkins', keys, values, checkCheckIn);
    });
    if (!r.ok) return r;
    await quarantine(r.value.problems);
    const active = r.value.good.filter((c) => isActiveCheckIn(c, now)).sort((a, b) => b.checkedInAt - a.checkedInAt);
    return ok(active[0]);
  }

  /**
   * Retention: delete visits that began more than `retentionDays` before `now` (a range of the
   * `by-checkedInAt` index, not a scan), **with their outbox entries even if unsent**: nothing personal
   * outlives retention, and an upload that old is of no use to contact tracing anyway. Quarantined check-ins
   * and outbox entries go too once they have been in quarantine that long. Returns how many visits went.
   */
  async function purgeCheckIns(now: UnixSeconds, retentionDays: number): Promise<StoreResult<number>> {
    const cutoff = now - retentionDays * 86_400;
    return run(
      ['checkins', 'outbox', 'quarantine'],
      'readwrite',
      async (tx) => {
        let n = 0;
        const outbox = tx.objectStore('outbox');
        let cursor = await tx
          .objectStore('checkins')
          .index('by-checkedInAt')
          .openCursor(IDBKeyRange.upperBound(cutoff, true));
        while (cursor) {
          const id = cursor.primaryKey;
          await cursor.delete();
          await outbox.delete([id, 'checkin']);
          await outbox.delete([id, 'checkout']);
          n++;
          cursor = await cursor.continue();
        }
        let q = await tx.objectStore('quarantine').openCursor();
        while (q) {
          const { store, at } = q.value;
          if ((store === 'checkins' || store === 'outbox') && !(at >= cutoff)) await q.delete();
          q = await q.continue();
        }
        return n;
      },
      'strict',
    );
  }

  /**
   * A check-in whose `checkedInAt` is missing or not a valid key (null, NaN, an object) is in no index: history,
   * retention and check-out never see it. Compare the store's count with its history index's; only when they differ,
   * diff the two key lists (keys only, no values) and quarantine what the index lacks. Such a record always
   * fails its read-back check (a valid one has a finite number and a string, both valid keys), so nothing good
   * is moved. Run with retention (at start and daily). Returns what was quarantined.
   */
  async function quarantineUnindexedCheckIns(): Promise<StoreResult<readonly QuarantinedItem[]>> {
    const r = await run(['checkins'], 'readonly', async (tx) => {
      const store = tx.objectStore('checkins');
      const index = store.index('by-checkedInAt-id');
      const [all, indexed] = await Promise.all([store.count(), index.count()]);
      if (all === indexed) return [];
      const [keys, indexedKeys] = await Promise.all([store.getAllKeys(), index.getAllKeys()]);
      const seen = new Set<IDBValidKey>(indexedKeys);
      const problems: Problem[] = [];
      for (const key of keys) {
        if (seen.has(key)) continue;
        const c = checkCheckIn(await store.get(key));
        if (!c.ok) problems.push(problemOf('checkins', key, c));
      }
      return problems;
    });
    return r.ok ? ok(await quarantine(r.value)) : r;
  }

  async function listOutbox(): Promise<StoreResult<Listed<OutboxRecord>>> {
    const r = await run(['outbox'], 'readonly', async (tx) => {
      const [keys, values] = await Promise.all([
        tx.objectStore('outbox').getAllKeys(),
        tx.objectStore('outbox').getAll(),
      ]);
      return sort('outbox', keys, values, checkOutbox);
    });
    if (!r.ok) return r;
    return ok({ items: r.value.good, quarantined: await quarantine(r.value.problems) });
  }

  // ---- bundle + trusted time ----

  async function loadBundle(): Promise<StoreResult<StoredBundleState>> {
    const r = await run(['meta'], 'readonly', async (tx) => {
      const meta = tx.objectStore('meta');
      const keys = ['bundle', 'trustedTime', 'bundleCheckedAt'] as const;
      const values = await Promise.all(keys.map((k) => meta.get(k)));
      const problems: Problem[] = [];
      const read = <K extends MetaKey>(key: K, value: unknown): MetaValues[K] | undefined => {
        if (value === undefined) return undefined;
        const c = checkMeta(key, value);
        if (c.ok) return c.value;
        problems.push(problemOf('meta', key, c));
        return undefined;
      };
      return {
        bundle: read('bundle', values[0]),
        trustedTime: read('trustedTime', values[1]),
        checkedAt: read('bundleCheckedAt', values[2]),
        problems,
      };
    });
    if (!r.ok) return r;
    const { bundle, trustedTime, checkedAt, problems } = r.value;
    const quarantined = await quarantine(problems);
    return ok({
      ...(bundle ? { bundle } : {}),
      trustedTime: trustedTime ?? 0,
      ...(checkedAt !== undefined ? { checkedAt } : {}),
      ...(quarantined.length > 0 ? { quarantined } : {}),
    });
  }

  /** Read a meta value inside a readwrite transaction; a bad one is quarantined right there (→ undefined). */
  async function metaInTx<K extends MetaKey>(
    tx: IDBPTransaction<SinggahDB, Stores[], 'readwrite'>,
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

  /**
   * Store a verified, accepted bundle and raise trustedTime to max(old, issuedAt, raiseTrustedTimeTo) in one
   * durable transaction. A bundle not newer than the stored one under the same root is not written (another
   * tab may have won the race since the caller's check): `saved: false`, nothing changes. A bundle under a
   * newer root (`rootVersion`) replaces one under an older root whatever the versions (rotation resets the
   * high-water mark); one under an older root never replaces a newer root's. A stored bundle or trusted time
   * that fails its check is quarantined first (counts as absent).
   */
  async function saveBundle(
    bundle: BundleRecord,
    now: UnixSeconds,
    raiseTrustedTimeTo?: UnixSeconds,
  ): Promise<StoreResult<{ saved: boolean }>> {
    const moved: QuarantinedItem[] = [];
    const r = await run(
      ['meta', 'quarantine'],
      'readwrite',
      async (tx) => {
        const meta = tx.objectStore('meta');
        const current = await metaInTx(tx, 'bundle', moved);
        const trusted = (await metaInTx(tx, 'trustedTime', moved)) ?? 0;
        if (current) {
          const currentRoot = current.rootVersion ?? 1;
          const incomingRoot = bundle.rootVersion ?? 1;
          if (currentRoot > incomingRoot) return { saved: false };
          if (currentRoot === incomingRoot && current.version >= bundle.version) return { saved: false };
        }
        await meta.put(bundle, 'bundle');
        await meta.put(Math.max(trusted, bundle.issuedAt, raiseTrustedTimeTo ?? 0), 'trustedTime');
        await meta.put(now, 'bundleCheckedAt');
        return { saved: true };
      },
      'strict',
    );
    if (r.ok) report(moved);
    return r;
  }

  /**
   * The server confirmed our bundle is current (304, or the same version): remember when, and its ETag; raise
   * trustedTime to `raiseTrustedTimeTo` if that is higher (never lowers it).
   */
  async function markBundleChecked(
    now: UnixSeconds,
    etag?: string,
    raiseTrustedTimeTo?: UnixSeconds,
  ): Promise<StoreResult<void>> {
    const moved: QuarantinedItem[] = [];
    const r = await run(['meta', 'quarantine'], 'readwrite', async (tx) => {
      const meta = tx.objectStore('meta');
      await meta.put(now, 'bundleCheckedAt');
      if (etag !== undefined) {
        const current = await metaInTx(tx, 'bundle', moved);
        if (current && current.etag !== etag) await meta.put({ ...current, etag }, 'bundle');
      }
      if (raiseTrustedTimeTo !== undefined) {
        const trusted = (await metaInTx(tx, 'trustedTime', moved)) ?? 0;
        if (raiseTrustedTimeTo > trusted) await meta.put(raiseTrustedTimeTo, 'trustedTime');
      }
    });
    if (r.ok) report(moved);
    return r;
  }

  // ---- root rotations ----

  /** The accepted root envelopes, oldest first ([] before any rotation; a corrupt chain is quarantined → []). */
  async function loadRoots(): Promise<StoreResult<readonly string[]>> {
    const r = await run(['meta'], 'readonly', async (tx) => {
      const roots: unknown = await tx.objectStore('meta').get('roots');
      if (roots === undefined) return { roots: [] as readonly string[], problems: [] };
      const c = checkMeta('roots', roots);
      return c.ok ? { roots: c.value, problems: [] } : { roots: [], problems: [problemOf('meta', 'roots', c)] };
    });
    if (!r.ok) return r;
    await quarantine(r.value.problems);
    return ok(r.value.roots);
  }

  /**
   * Replace the stored chain with `chain` (the caller walked it from the built-in anchor, under the sync's
   * cross-tab lock), in one durable transaction.
   */
  async function saveRoots(chain: readonly string[]): Promise<StoreResult<void>> {
    return run(
      ['meta'],
      'readwrite',
      async (tx) => {
        await tx.objectStore('meta').put([...chain], 'roots');
      },
      'strict',
    );
  }

  // ---- export / import ----

  /**
   * Everything personal, as a plain JSON-able object (ExportFile): certificates by their signed code (recycle
   * bin included, with deletedAt), check-ins and the outbox. Read in one transaction (a consistent snapshot);
   * records failing their check are quarantined and left out.
   */
  async function exportAll(now: UnixSeconds): Promise<StoreResult<ExportFile>> {
    const r = await run(['certificates', 'checkins', 'outbox'], 'readonly', async (tx) => {
      const all = <N extends 'certificates' | 'checkins' | 'outbox'>(n: N) =>
        Promise.all([tx.objectStore(n).getAllKeys(), tx.objectStore(n).getAll()]);
      const [c, k, o] = await Promise.all([all('certificates'), all('checkins'), all('outbox')]);
      await loadDccCodecFor(c[1]);
      return {
        certificates: sort('certificates', c[0], c[1], checkCertificate),
        checkins: sort('checkins', k[0], k[1], checkCheckIn),
        outbox: sort('outbox', o[0], o[1], checkOutbox),
      };
    });
    if (!r.ok) return r;
    const { certificates, checkins, outbox } = r.value;
    await quarantine([...certificates.problems, ...checkins.problems, ...outbox.problems]);
    return ok({
      format: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      exportedAt: now,
      certificates: certificates.good.map(({ record }) => ({
        code: record.code,
        importedAt: record.importedAt,
        ...(record.deletedAt !== undefined ? { deletedAt: record.deletedAt } : {}),
        ...(record.person !== undefined ? { person: record.person } : {}),
      })),
      checkins: checkins.good.map((c) => ({ ...c, people: [...c.people] })),
      outbox: outbox.good.map((o) => ({ ...o })),
    });
  }

  /**
   * Import an export file (the text as read): size cap before parsing, strict format check, every certificate
   * code decoded again and every venue code checked against the visit's venue id and name — any failure
   * rejects the whole file with a code, importing nothing. Then one durable transaction adds what is not there
   * yet (same contentId / check-in id / [id, op] → kept as stored): importing the same file twice adds nothing.
   * Recycle-bin entries already older than 30 days at `now` are not imported.
   */
  async function importAll(text: string, now: UnixSeconds): Promise<StoreResult<ImportSummary>> {
    if (typeof text !== 'string') return fail('IMPORT_INVALID', 'not text');
    if (text.length > MAX_IMPORT_BYTES) return fail('IMPORT_TOO_LARGE', `${text.length} characters`);
    if (text.length * 3 > MAX_IMPORT_BYTES) {
      const bytes = new TextEncoder().encode(text).length;
      if (bytes > MAX_IMPORT_BYTES) return fail('IMPORT_TOO_LARGE', `${bytes} bytes`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      return fail('IMPORT_INVALID', describeError(e));
    }
    const parsed = v.safeParse(exportFileSchema, json);
    if (!parsed.success) {
      const issue = parsed.issues[0];
      return fail('IMPORT_INVALID', `${issue.path?.map((p) => String(p.key)).join('.') ?? ''}: ${issue.message}`);
    }
    const file = parsed.output;

    const certificates = new Map<string, CertificateRecord>();
    // Not loaded (offline, chunk missing): every HC1 code is then refused below, the whole file with it.
    await loadDccCodecFor(file.certificates).catch(() => {});
    for (const [i, c] of file.certificates.entries()) {
      const decoded = decodeHeldCertificate(c.code);
      if (!decoded.ok) return fail('IMPORT_CERTIFICATE_INVALID', `certificates.${i}: ${decoded.error.code}`);
      if (c.deletedAt !== undefined && c.deletedAt < now - RECYCLE_BIN_SECONDS) continue;
      const id = identityOf(decoded.value);
      if (certificates.has(id.contentId)) continue;
      certificates.set(id.contentId, {
        ...id,
        code: decoded.value.code,
        importedAt: c.importedAt,
        ...(c.person !== undefined ? { person: c.person } : {}),
        ...(c.deletedAt !== undefined ? { deletedAt: c.deletedAt } : {}),
      });
    }
    const checkins = new Map<string, CheckInRecord>();
    for (const [i, c] of file.checkins.entries()) {
      const venue = decodeVenue(c.venueCode);
      if (!venue.ok) return fail('IMPORT_INVALID', `checkins.${i}.venueCode: ${venue.error.code}`);
      if (venue.value.venue.id !== c.venueId || venue.value.venue.name !== c.venueName)
        return fail('IMPORT_INVALID', `checkins.${i}: venue does not match its code`);
      if (c.autoCheckOutAt < c.checkedInAt || (c.checkedOutAt !== undefined && c.checkedOutAt < c.checkedInAt))
        return fail('IMPORT_INVALID', `checkins.${i}: ends before it begins`);
      if (!checkins.has(c.id)) checkins.set(c.id, c);
    }
    for (const [i, o] of file.outbox.entries())
      if (!checkins.has(o.id)) return fail('IMPORT_INVALID', `outbox.${i}: no such check-in in the file`);

    return run(
      ['certificates', 'checkins', 'outbox'],
      'readwrite',
      async (tx) => {
        const added = { certificates: 0, checkins: 0, outbox: 0 };
        const certStore = tx.objectStore('certificates');
        for (const record of certificates.values())
          if ((await certStore.getKey(record.contentId)) === undefined) {
            await certStore.add(record);
            added.certificates++;
          }
        const checkinStore = tx.objectStore('checkins');
        for (const record of checkins.values())
          if ((await checkinStore.getKey(record.id)) === undefined) {
            await checkinStore.add(record);
            added.checkins++;
          }
        const outboxStore = tx.objectStore('outbox');
        for (const o of file.outbox)
          if ((await outboxStore.getKey([o.id, o.op])) === undefined) {
            await outboxStore.add(o);
            added.outbox++;
          }
        return added;
      },
      'strict',
    );
  }

  function close() {
    closed = true;
    const current = opening;
    opening = undefined;
    current?.then((r) => r.ok && r.value.close());
    externalListeners.clear();
    try {
      channel?.close();
    } catch {
      // already closed
    }
    channel = undefined;
  }

  // The sync engine's records (outbox settlement, dead letters, exposures): sync-state.ts, in our transactions.
  const syncRepos = createSyncRepos({ run, metaInTx, report });

  return {
    ...syncRepos,
    saveCertificate,
    listCertificates,
    deleteCertificate,
    restoreCertificate,
    listRecycleBin,
    purgeRecycleBin,
    checkIn,
    checkOut,
    deleteCheckIn,
    listCheckIns,
    listCheckInsPage,
    activeCheckInAt,
    purgeCheckIns,
    quarantineUnindexedCheckIns,
    listOutbox,
    listQuarantine,
    loadBundle,
    saveBundle,
    markBundleChecked,
    loadRoots,
    saveRoots,
    exportAll,
    importAll,
    onExternalChange,
    close,
  };
}
