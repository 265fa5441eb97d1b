/**
 * The IndexedDB schema of the app ('singgah') and its migrations. Migrations are append-only: each
 * step is `if (oldVersion < N)`, never edits an earlier step, and never deletes or recreates a store
 * that holds user data (a recreated store wiped unsent offline data in other projects — ANCHORS.md).
 */
import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { Certificate } from '../core/certificate';
import type { UnixSeconds } from '../core/schema';
import type { DeadLetterRecord, ExposureRecord, SyncStateRecord } from './sync-records';

export const DB_NAME = 'singgah';
/** The current version: `migrations.length`. A shipped version is never reused: a phone may hold any of them. */
export const DB_VERSION = 2;

export interface CertificateRecord {
  /** Hash of the domain-separated payload (core contentIdOf): one certificate, one record. */
  readonly contentId: string;
  /** The QR digits exactly as scanned: the source of truth, decoded and checked again on every read. */
  readonly code: string;
  readonly kind: Certificate['kind'];
  /** Name + birth date (core holderKey): certificates of one person group under it. */
  readonly holderKey: string;
  readonly importedAt: UnixSeconds;
  /** Set when the user deleted it (recycle bin, restorable for 30 days: `by-deletedAt`); absent = in the wallet. */
  readonly deletedAt?: UnixSeconds;
  /**
   * An EU DCC or SMART Health Card whose holder matches several people on the phone: the holder key the user chose (core
   * held-certificate personOfForeign). Added without a schema version: optional, absent in older records.
   */
  readonly person?: string;
}

export interface CheckInRecord {
  /** 128 random bits, hex: also the idempotency key of the upload. */
  readonly id: string;
  /** The venue QR digits, kept so the visit can be re-verified and shown later. */
  readonly venueCode: string;
  readonly venueId: string;
  readonly venueName: string;
  /** holderKeys of the people checked in together. */
  readonly people: readonly string[];
  readonly checkedInAt: UnixSeconds;
  readonly checkedOutAt?: UnixSeconds;
  /** checkedInAt + the venue's default stay: after it, the visit counts as over without a check-out. */
  readonly autoCheckOutAt: UnixSeconds;
}

export type OutboxOp = 'checkin' | 'checkout';

/**
 * Something to upload. `id` is the check-in's id; the key is [id, op] so a check-in and its check-out can
 * both wait in the outbox without one overwriting the other.
 */
export interface OutboxRecord {
  readonly id: string;
  readonly op: OutboxOp;
  readonly createdAt: UnixSeconds;
}

export interface BundleRecord {
  /** The signed envelope text exactly as downloaded: re-verified against the current root anchor on load. */
  readonly source: string;
  readonly version: number;
  readonly issuedAt: UnixSeconds;
  readonly etag?: string;
  /**
   * Version of the root that verified this bundle when it was saved (absent: 1, the built-in root's, so a record
   * without the field stays valid). A bundle under a newer root replaces it whatever its version: a root rotation
   * resets the version high-water mark (TUF), so a bundle version inflated under a compromised old root
   * cannot lock out the new root's bundles.
   */
  readonly rootVersion?: number;
}

/**
 * Values of the `meta` store (out-of-line string keys, any structured-clone value): adding a key needs
 * no schema version.
 */
export interface MetaValues {
  bundle: BundleRecord;
  /**
   * Highest time vouched for by something signed: every accepted bundle's issuedAt, and the server's
   * Date header of a verified bundle pull capped at that bundle's expiresAt + staleGraceSeconds. Never lowered.
   */
  trustedTime: UnixSeconds;
  /** Last time the server confirmed our bundle is the newest (200 or 304). */
  bundleCheckedAt: UnixSeconds;
  /**
   * Root rotations accepted so far (core walkRootChain from the built-in anchor), envelope texts exactly
   * as downloaded, oldest first. Walked again from the built-in anchor at every start.
   */
  roots: readonly string[];
  /** The sync engine's state: last success, backoff, notices feed position (sync-state.ts; no schema version). */
  sync: SyncStateRecord;
  /** Uploads the server refused for good, for the user to retry or discard (sync-state.ts). */
  deadLetters: readonly DeadLetterRecord[];
  /** Notices matched against the history on the phone (sync-state.ts). */
  exposures: readonly ExposureRecord[];
}
export type MetaKey = keyof MetaValues;

/** Stores whose records are schema-checked on read (and quarantined when they fail). */
export type CheckedStore = 'certificates' | 'checkins' | 'outbox' | 'meta';

export type QuarantineReason =
  /** The record does not match its store's schema (wrong types, missing fields). */
  | 'RECORD_INVALID'
  /** A certificate whose stored QR code no longer decodes. */
  | 'CERTIFICATE_UNREADABLE'
  /** A certificate whose code decodes to something else than the record claims (contentId, kind, holder). */
  | 'CERTIFICATE_MISMATCH';

/**
 * A record that failed its read-back check, copied here verbatim (then removed from its store in the same
 * durable transaction) so that it neither crashes the app nor is silently lost.
 */
export interface QuarantineRecord {
  /** Auto-increment key. */
  readonly id?: number;
  readonly store: CheckedStore;
  /** Its key in `store` (a string, or `[id, op]` for the outbox). */
  readonly key: IDBValidKey;
  /** The raw record exactly as it was read. */
  readonly value: unknown;
  readonly reason: QuarantineReason;
  /** Developer-facing: what failed. */
  readonly detail?: string;
  readonly at: UnixSeconds;
}

export interface SinggahDB extends DBSchema {
  certificates: {
    key: string;
    value: CertificateRecord;
    /** by-deletedAt (v2) holds only deleted certificates: the recycle bin. */
    indexes: { 'by-holderKey': string; 'by-deletedAt': number };
  };
  checkins: {
    key: string;
    value: CheckInRecord;
    /** by-checkedInAt-id (v2): history pages, newest first, with a total order when times tie. */
    indexes: { 'by-checkedInAt': number; 'by-venueId': string; 'by-checkedInAt-id': [number, string] };
  };
  outbox: { key: [string, OutboxOp]; value: OutboxRecord };
  meta: { key: MetaKey; value: MetaValues[MetaKey] };
  quarantine: { key: number; value: QuarantineRecord };
}

type UpgradeTx = IDBPTransaction<SinggahDB, StoreNames<SinggahDB>[], 'versionchange'>;
export type Migration = (db: IDBPDatabase<SinggahDB>, tx: UpgradeTx) => void;

/**
 * Step N (index N - 1) brings a database from version N - 1 to N, inside the upgrade transaction. Append-only:
 * never edit a shipped step, never delete or recreate a store that holds user data. Each step is callable on
 * its own so tests can build a database exactly as an older app version left it (test/store/fixtures).
 */
export const migrations: readonly Migration[] = [
  // v1: the four stores.
  (db) => {
    const certificates = db.createObjectStore('certificates', { keyPath: 'contentId' });
    certificates.createIndex('by-holderKey', 'holderKey');
    const checkins = db.createObjectStore('checkins', { keyPath: 'id' });
    checkins.createIndex('by-checkedInAt', 'checkedInAt');
    checkins.createIndex('by-venueId', 'venueId');
    db.createObjectStore('outbox', { keyPath: ['id', 'op'] });
    db.createObjectStore('meta');
  },
  // v2: quarantine store, recycle-bin index, history paging index. No record is rewritten: the new indexes are
  // built by IndexedDB from the existing records inside this transaction; a v1 certificate has no deletedAt, so
  // it stays in the wallet.
  (db, tx) => {
    db.createObjectStore('quarantine', { keyPath: 'id', autoIncrement: true });
    tx.objectStore('certificates').createIndex('by-deletedAt', 'deletedAt');
    tx.objectStore('checkins').createIndex('by-checkedInAt-id', ['checkedInAt', 'id']);
  },
];

/**
 * Bring a database at `oldVersion` (0 = new) up to `newVersion` (DB_VERSION; lower only in tests that build an
 * old database): runs steps oldVersion + 1 … newVersion — the same as a chain of `if (oldVersion < N)` guards.
 */
export function migrate(
  db: IDBPDatabase<SinggahDB>,
  oldVersion: number,
  tx: UpgradeTx,
  newVersion: number = DB_VERSION,
): void {
  for (let version = oldVersion + 1; version <= newVersion; version++) {
    const step = migrations[version - 1];
    if (!step) throw new Error(`no migration to version ${version}`);
    step(db, tx);
  }
}
