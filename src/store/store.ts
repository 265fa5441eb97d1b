/**
 * Repositories over the app's IndexedDB. Every function returns a value — `{ok: true, value}` or
 * `{ok: false, error: {code}}` — and never throws into the UI. Durable writes (certificates, a check-in
 * with its outbox entry, a bundle with the trusted-time high-water mark) use `durability: 'strict'`
 * (Chrome's default became relaxed in 121) and share one transaction, so they land together or not at all.
 */
import { type IDBPDatabase, type IDBPTransaction, openDB, type StoreNames } from 'idb';
import { decodeCertificate, holderKey, type SignedCertificate } from '../core/certificate';
import type { CoreError } from '../core/errors';
import type { UnixSeconds } from '../core/schema';
import type { SignedVenue } from '../core/venue';
import {
  type BundleRecord,
  type CertificateRecord,
  type CheckInRecord,
  DB_NAME,
  DB_VERSION,
  type MetaValues,
  migrate,
  type OutboxRecord,
  type SinggahDB,
} from './schema';

export type StoreErrorCode = 'STORAGE_QUOTA_EXCEEDED' | 'STORAGE_UNAVAILABLE' | 'STORAGE_FAILED' | 'CHECKIN_NOT_FOUND';
export interface StoreError {
  readonly code: StoreErrorCode;
  /** Developer-facing (the DOMException name and message); the UI translates the code instead. */
  readonly detail?: string;
}
export type StoreResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: StoreError };

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
}

export interface StoredCertificate {
  readonly record: CertificateRecord;
  readonly signed: SignedCertificate;
}
/** A record whose code no longer decodes to what it claims to be: reported, never silently used. */
export interface UnreadableCertificate {
  readonly record: CertificateRecord;
  readonly error: CoreError;
}
export interface CertificateList {
  readonly certificates: readonly StoredCertificate[];
  readonly unreadable: readonly UnreadableCertificate[];
}

export interface StoredBundleState {
  readonly bundle?: BundleRecord;
  readonly trustedTime: UnixSeconds;
  readonly checkedAt?: UnixSeconds;
}

export interface CheckInInput {
  readonly venue: SignedVenue;
  readonly people: readonly string[];
  readonly now: UnixSeconds;
}

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
}

type Stores = StoreNames<SinggahDB>;
type Tx<S extends Stores[], M extends IDBTransactionMode> = IDBPTransaction<SinggahDB, S, M>;

export function createStore(options: StoreOptions = {}) {
  const name = options.name ?? DB_NAME;
  const randomId = options.randomId ?? (() => randomHexId(16));
  const blockedTimeoutMs = options.blockedTimeoutMs ?? 5_000;
  let opening: Promise<StoreResult<IDBPDatabase<SinggahDB>>> | undefined;
  let closed = false;

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
        return ok(value);
      } catch (e) {
        // A synchronous throw inside fn does not abort the transaction by itself: abort so that nothing
        // written earlier in it commits.
        try {
          tx?.abort();
        } catch {
          // already finished or aborted
        }
        if (e instanceof NotFound) return fail('CHECKIN_NOT_FOUND', e.message);
        if (attempt === 0 && isConnectionError(e)) {
          forget(conn.value);
          continue;
        }
        return toStoreError(e);
      }
    }
  }

  // ---- certificates ----

  /** Save a decoded (and, by the caller, verified) certificate. Saving the same one again is a no-op. */
  async function saveCertificate(
    signed: SignedCertificate,
    now: UnixSeconds,
  ): Promise<StoreResult<{ record: CertificateRecord; alreadySaved: boolean }>> {
    const record: CertificateRecord = {
      contentId: signed.blob.contentId,
      code: signed.code,
      kind: signed.certificate.kind,
      holderKey: holderKey(signed.certificate.holder),
      importedAt: now,
    };
    return run(
      ['certificates'],
      'readwrite',
      async (tx) => {
        const store = tx.objectStore('certificates');
        const existing = await store.get(record.contentId);
        if (existing) return { record: existing, alreadySaved: true };
        await store.add(record);
        return { record, alreadySaved: false };
      },
      'strict',
    );
  }

  /** Every stored certificate, decoded again from its code; anything that no longer matches is reported. */
  async function listCertificates(): Promise<StoreResult<CertificateList>> {
    const records = await run(['certificates'], 'readonly', (tx) => tx.objectStore('certificates').getAll());
    if (!records.ok) return records;
    const certificates: StoredCertificate[] = [];
    const unreadable: UnreadableCertificate[] = [];
    for (const record of records.value) {
      const decoded = decodeCertificate(record.code);
      if (!decoded.ok) {
        unreadable.push({ record, error: decoded.error });
        continue;
      }
      const s = decoded.value;
      if (
        s.blob.contentId !== record.contentId ||
        s.certificate.kind !== record.kind ||
        holderKey(s.certificate.holder) !== record.holderKey
      ) {
        unreadable.push({
          record,
          error: { code: 'PAYLOAD_INVALID', detail: 'stored record does not match its code' },
        });
        continue;
      }
      certificates.push({ record, signed: s });
    }
    certificates.sort((a, b) => b.signed.certificate.issuedAt - a.signed.certificate.issuedAt);
    return ok({ certificates, unreadable });
  }

  // ---- check-ins ----

  /** Record a visit and its outbox entry in one durable transaction. */
  async function checkIn(input: CheckInInput): Promise<StoreResult<CheckInRecord>> {
    const { venue } = input.venue;
    const record: CheckInRecord = {
      id: randomId(),
      venueCode: input.venue.code,
      venueId: venue.id,
      venueName: venue.name,
      people: [...input.people],
      checkedInAt: input.now,
      autoCheckOutAt: input.now + venue.stayMinutes * 60,
    };
    const outbox: OutboxRecord = { id: record.id, op: 'checkin', createdAt: input.now };
    return run(
      ['checkins', 'outbox'],
      'readwrite',
      async (tx) => {
        await tx.objectStore('checkins').add(record);
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
        if (!current) throw new NotFound(id);
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

  /** Newest first. */
  async function listCheckIns(limit = Number.POSITIVE_INFINITY): Promise<StoreResult<CheckInRecord[]>> {
    return run(['checkins'], 'readonly', async (tx) => {
      const out: CheckInRecord[] = [];
      let cursor = await tx.objectStore('checkins').index('by-checkedInAt').openCursor(null, 'prev');
      while (cursor && out.length < limit) {
        out.push(cursor.value);
        cursor = await cursor.continue();
      }
      return out;
    });
  }

  /** The newest active visit at a venue (rescanning its QR checks out), if any. */
  async function activeCheckInAt(venueId: string, now: UnixSeconds): Promise<StoreResult<CheckInRecord | undefined>> {
    const all = await run(['checkins'], 'readonly', (tx) =>
      tx.objectStore('checkins').index('by-venueId').getAll(venueId),
    );
    if (!all.ok) return all;
    const active = all.value.filter((c) => isActiveCheckIn(c, now)).sort((a, b) => b.checkedInAt - a.checkedInAt);
    return ok(active[0]);
  }

  /** Delete visits that began before `cutoff` (retention), with anything of theirs still in the outbox. */
  async function purgeCheckInsBefore(cutoff: UnixSeconds): Promise<StoreResult<number>> {
    return run(['checkins', 'outbox'], 'readwrite', async (tx) => {
      let n = 0;
      const outbox = tx.objectStore('outbox');
      let cursor = await tx
        .objectStore('checkins')
        .index('by-checkedInAt')
        .openCursor(IDBKeyRange.upperBound(cutoff, true));
      while (cursor) {
        const id = cursor.value.id;
        await cursor.delete();
        await outbox.delete([id, 'checkin']);
        await outbox.delete([id, 'checkout']);
        n++;
        cursor = await cursor.continue();
      }
      return n;
    });
  }

  async function listOutbox(): Promise<StoreResult<OutboxRecord[]>> {
    return run(['outbox'], 'readonly', (tx) => tx.objectStore('outbox').getAll());
  }

  // ---- bundle + trusted time ----

  async function loadBundle(): Promise<StoreResult<StoredBundleState>> {
    return run(['meta'], 'readonly', async (tx) => {
      const meta = tx.objectStore('meta');
      const [bundle, trustedTime, checkedAt] = await Promise.all([
        meta.get('bundle') as Promise<MetaValues['bundle'] | undefined>,
        meta.get('trustedTime') as Promise<MetaValues['trustedTime'] | undefined>,
        meta.get('bundleCheckedAt') as Promise<MetaValues['bundleCheckedAt'] | undefined>,
      ]);
      return {
        ...(bundle ? { bundle } : {}),
        trustedTime: trustedTime ?? 0,
        ...(checkedAt !== undefined ? { checkedAt } : {}),
      };
    });
  }

  /**
   * Store a verified, accepted bundle and raise trustedTime to max(old, issuedAt, raiseTrustedTimeTo) in one
   * durable transaction. A bundle not newer than the stored one under the same root is not written (another
   * tab may have won the race since the caller's check): `saved: false`, nothing changes. A bundle under a
   * newer root (`rootVersion`) replaces one under an older root whatever the versions (rotation resets the
   * high-water mark); one under an older root never replaces a newer root's.
   */
  async function saveBundle(
    bundle: BundleRecord,
    now: UnixSeconds,
    raiseTrustedTimeTo?: UnixSeconds,
  ): Promise<StoreResult<{ saved: boolean }>> {
    return run(
      ['meta'],
      'readwrite',
      async (tx) => {
        const meta = tx.objectStore('meta');
        const current = (await meta.get('bundle')) as BundleRecord | undefined;
        const trusted = ((await meta.get('trustedTime')) as number | undefined) ?? 0;
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
    return run(['meta'], 'readwrite', async (tx) => {
      const meta = tx.objectStore('meta');
      await meta.put(now, 'bundleCheckedAt');
      if (etag !== undefined) {
        const current = (await meta.get('bundle')) as BundleRecord | undefined;
        if (current && current.etag !== etag) await meta.put({ ...current, etag }, 'bundle');
      }
      if (raiseTrustedTimeTo !== undefined) {
        const trusted = ((await meta.get('trustedTime')) as number | undefined) ?? 0;
        if (raiseTrustedTimeTo > trusted) await meta.put(raiseTrustedTimeTo, 'trustedTime');
      }
    });
  }

  // ---- root rotations ----

  /** The accepted root envelopes, oldest first ([] before any rotation). */
  async function loadRoots(): Promise<StoreResult<readonly string[]>> {
    return run(['meta'], 'readonly', async (tx) => {
      const roots = (await tx.objectStore('meta').get('roots')) as MetaValues['roots'] | undefined;
      return Array.isArray(roots) ? roots.filter((r): r is string => typeof r === 'string') : [];
    });
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

  function close() {
    closed = true;
    const current = opening;
    opening = undefined;
    current?.then((r) => r.ok && r.value.close());
  }

  return {
    saveCertificate,
    listCertificates,
    checkIn,
    checkOut,
    listCheckIns,
    activeCheckInAt,
    purgeCheckInsBefore,
    listOutbox,
    loadBundle,
    saveBundle,
    markBundleChecked,
    loadRoots,
    saveRoots,
    close,
  };
}
