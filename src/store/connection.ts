/**
 * The one connection to the database: opening it (upgrade, blocked, versionchange, terminated), and `run`, which
 * every repository uses for every transaction — abort on any failure, DOMException → error code, one retry on a
 * fresh connection when the old one broke. Durable writes pass `durability: 'strict'`: Chromium's default is
 * relaxed, and a write the user was told is saved must survive a crash.
 */
import { type IDBPDatabase, type IDBPTransaction, openDB, type StoreNames } from 'idb';
import { fail, ok, type StoreResult } from './result';
import { DB_VERSION, migrate, type SinggahDB } from './schema';

/** What the UI is told about the connection (to show a banner); the store recovers by itself otherwise. */
export type StoreEvent =
  /** Another tab holds an older connection: our upgrade waits for it to close. */
  | 'blocked'
  /** Another tab (a newer app version) wants to upgrade: we closed our connection; this tab should reload. */
  | 'versionchange'
  /** The browser closed the connection abnormally; the next call reopens it. */
  | 'terminated';

export type Stores = StoreNames<SinggahDB>;
export type Tx<S extends Stores[], M extends IDBTransactionMode> = IDBPTransaction<SinggahDB, S, M>;
/** A readwrite transaction over any stores: what helpers that work inside a caller's transaction take. */
export type ReadWriteTx = IDBPTransaction<SinggahDB, Stores[], 'readwrite'>;

/** Run `fn` in one transaction over `stores`; its result, or the failure as an error code. */
export type Run = <S extends Stores[], M extends IDBTransactionMode, T>(
  stores: S,
  mode: M,
  fn: (tx: Tx<S, M>) => Promise<T>,
  durability?: 'strict' | 'default',
) => Promise<StoreResult<T>>;

export interface ConnectionOptions {
  readonly name: string;
  readonly onEvent?: (event: StoreEvent) => void;
  /** How long an open may stay blocked before it reports STORAGE_UNAVAILABLE instead of hanging. */
  readonly blockedTimeoutMs: number;
  /** Called after every committed readwrite transaction with its stores (the cross-tab announcement). */
  readonly onCommit: (stores: readonly Stores[]) => void;
}

export interface Connection {
  readonly run: Run;
  /** Close for good: every later `run` returns STORAGE_UNAVAILABLE. */
  close(): void;
}

function errorName(e: unknown): string {
  if (e && typeof e === 'object' && 'name' in e && typeof e.name === 'string') return e.name;
  return 'Error';
}

export function describeError(e: unknown): string {
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

/** Thrown inside a transaction to abort it and answer with a not-found code (never reaches the caller). */
export class NotFound extends Error {
  override readonly name = 'NotFound';
  constructor(
    readonly code: 'CHECKIN_NOT_FOUND' | 'CERTIFICATE_NOT_FOUND',
    key: string,
  ) {
    super(key);
  }
}

export function openConnection(options: ConnectionOptions): Connection {
  const { name, blockedTimeoutMs } = options;
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
        if (mode === 'readwrite') options.onCommit(stores);
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

  function close() {
    closed = true;
    const current = opening;
    opening = undefined;
    current?.then((r) => r.ok && r.value.close());
  }

  return { run, close };
}
