/**
 * The IndexedDB schema of the app ('singgah') and its migrations. Migrations are append-only: each
 * step is `if (oldVersion < N)`, never edits an earlier step, and never deletes or recreates a store
 * that holds user data (a recreated store wiped unsent offline data in other projects — ANCHORS.md).
 */
import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { Certificate } from '../core/certificate';
import type { UnixSeconds } from '../core/schema';

export const DB_NAME = 'singgah';
export const DB_VERSION = 1;

export interface CertificateRecord {
  /** Hash of the domain-separated payload (core contentIdOf): one certificate, one record. */
  readonly contentId: string;
  /** The QR digits exactly as scanned: the source of truth, decoded and checked again on every read. */
  readonly code: string;
  readonly kind: Certificate['kind'];
  /** Name + birth date (core holderKey): certificates of one person group under it. */
  readonly holderKey: string;
  readonly importedAt: UnixSeconds;
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
   * Version of the root that verified this bundle when it was saved (absent: 1, records written before
   * root rotation existed). A bundle under a newer root replaces it whatever its version: a root rotation
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
}
export type MetaKey = keyof MetaValues;

export interface SinggahDB extends DBSchema {
  certificates: { key: string; value: CertificateRecord; indexes: { 'by-holderKey': string } };
  checkins: {
    key: string;
    value: CheckInRecord;
    indexes: { 'by-checkedInAt': number; 'by-venueId': string };
  };
  outbox: { key: [string, OutboxOp]; value: OutboxRecord };
  meta: { key: MetaKey; value: MetaValues[MetaKey] };
}

type UpgradeTx = IDBPTransaction<SinggahDB, StoreNames<SinggahDB>[], 'versionchange'>;

/** Bring a database at `oldVersion` (0 = new) up to DB_VERSION. Append new steps at the end. */
export function migrate(db: IDBPDatabase<SinggahDB>, oldVersion: number, _tx: UpgradeTx): void {
  if (oldVersion < 1) {
    const certificates = db.createObjectStore('certificates', { keyPath: 'contentId' });
    certificates.createIndex('by-holderKey', 'holderKey');
    const checkins = db.createObjectStore('checkins', { keyPath: 'id' });
    checkins.createIndex('by-checkedInAt', 'checkedInAt');
    checkins.createIndex('by-venueId', 'venueId');
    db.createObjectStore('outbox', { keyPath: ['id', 'op'] });
    db.createObjectStore('meta');
  }
}
