/**
 * The store's answer type and error codes, and the report of a quarantined record: what every repository returns.
 * A module of its own so every part of the store can name them without importing another part.
 */
import type { AdmissionErrorCode } from '../core/admission';
import type { CheckedStore, QuarantineReason } from './schema';

export type StoreErrorCode =
  | 'STORAGE_QUOTA_EXCEEDED'
  | 'STORAGE_UNAVAILABLE'
  | 'STORAGE_FAILED'
  | 'CHECKIN_NOT_FOUND'
  | 'CERTIFICATE_NOT_FOUND'
  /** importAll: the file is larger than MAX_IMPORT_BYTES (checked before parsing). */
  | 'IMPORT_TOO_LARGE'
  /** importAll: not JSON, not a Singgah export, or a record that breaks the format (nothing imported). */
  | 'IMPORT_INVALID'
  /** importAll: a certificate code in the file does not decode (nothing imported). */
  | 'IMPORT_CERTIFICATE_INVALID'
  /** checkIn: someone refused at the door, or unverifiable without a confirmed hand check (core admission.ts). */
  | AdmissionErrorCode
  /** The model's checkIn: people on the phone, but none chosen. */
  | 'CHECKIN_NOBODY'
  /** checkIn: a stay shorter than a minute or longer than a day. */
  | 'STAY_OUT_OF_RANGE';
export interface StoreError {
  readonly code: StoreErrorCode;
  /** Developer-facing (the DOMException name and message); the UI translates the code instead. */
  readonly detail?: string;
}
export type StoreResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: StoreError };

/** A record that failed its read-back check (records.ts): never handed to the caller. */
export interface QuarantinedItem {
  readonly store: CheckedStore;
  readonly key: IDBValidKey;
  readonly reason: QuarantineReason;
  readonly detail?: string;
  /**
   * true: copied to `quarantine` and removed from its store (one durable transaction). false: that write failed
   * (e.g. quota); the record stays where it was, is skipped, and is tried again on the next read.
   */
  readonly moved: boolean;
}

export const ok = <T>(value: T): StoreResult<T> => ({ ok: true, value });
export const fail = <T = never>(code: StoreErrorCode, detail?: string): StoreResult<T> => ({
  ok: false,
  error: detail === undefined ? { code } : { code, detail },
});

/** A list read: the good records, and whatever was quarantined on the way. */
export interface Listed<T> {
  readonly items: readonly T[];
  readonly quarantined: readonly QuarantinedItem[];
}
