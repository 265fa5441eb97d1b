/**
 * Read-back checks: every record read from IndexedDB goes through one of these before the app sees it. A
 * record that fails is quarantined (quarantine.ts), never handed on and never thrown. The schemas are
 * deliberately about shape, not policy: a record the app itself wrote must always pass (unknown extra fields
 * are allowed, so a field added without a schema version does not quarantine older or newer records).
 */
import * as v from 'valibot';
import { decodeHeldCertificate } from '../core/dcc-codec';
import { type HeldCertificate, identityOf } from '../core/held-certificate';
import type {
  BundleRecord,
  CertificateRecord,
  CheckInRecord,
  MetaKey,
  MetaValues,
  OutboxRecord,
  QuarantineReason,
} from './schema';
import { deadLettersSchema, exposuresSchema, syncStateSchema } from './sync-records';

const seconds = v.pipe(v.number(), v.finite());
const count = v.pipe(v.number(), v.integer(), v.minValue(0));

export const certificateRecordSchema = v.object({
  contentId: v.string(),
  code: v.string(),
  kind: v.picklist(['vaccination', 'test', 'recovery']),
  holderKey: v.string(),
  importedAt: seconds,
  deletedAt: v.optional(seconds),
  person: v.optional(v.string()),
});

export const checkInRecordSchema = v.object({
  id: v.string(),
  venueCode: v.string(),
  venueId: v.string(),
  venueName: v.string(),
  people: v.array(v.string()),
  checkedInAt: seconds,
  checkedOutAt: v.optional(seconds),
  autoCheckOutAt: seconds,
});

export const outboxRecordSchema = v.object({
  id: v.string(),
  op: v.picklist(['checkin', 'checkout']),
  createdAt: seconds,
});

export const bundleRecordSchema = v.object({
  source: v.string(),
  version: count,
  issuedAt: seconds,
  etag: v.optional(v.string()),
  rootVersion: v.optional(count),
});

const metaSchemas: { readonly [K in MetaKey]: v.GenericSchema } = {
  bundle: bundleRecordSchema,
  trustedTime: seconds,
  bundleCheckedAt: seconds,
  roots: v.array(v.string()),
  sync: syncStateSchema,
  deadLetters: deadLettersSchema,
  exposures: exposuresSchema,
};

export type Checked<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: QuarantineReason; readonly detail: string };

function check<T>(schema: v.GenericSchema, value: unknown): Checked<T> {
  const r = v.safeParse(schema, value);
  if (r.success) return { ok: true, value: value as T };
  const issue = r.issues[0];
  const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
  return { ok: false, reason: 'RECORD_INVALID', detail: `${path || '(record)'}: ${issue.message}` };
}

export const checkCheckIn = (value: unknown) => check<CheckInRecord>(checkInRecordSchema, value);
export const checkOutbox = (value: unknown) => check<OutboxRecord>(outboxRecordSchema, value);
export const checkBundle = (value: unknown) => check<BundleRecord>(bundleRecordSchema, value);
export function checkMeta<K extends MetaKey>(key: K, value: unknown): Checked<MetaValues[K]> {
  return check<MetaValues[K]>(metaSchemas[key], value);
}

export interface StoredCertificate {
  readonly record: CertificateRecord;
  /** A Singgah certificate or an EU DCC (core held-certificate.ts), decoded again from `code`. */
  readonly signed: HeldCertificate;
}

/**
 * Shape, then the code decoded again: it must still yield the stored contentId, kind and holder. For an
 * `HC1:` code the caller loads the DCC codec first (core dcc-codec-load.ts `loadCodecsFor`).
 */
export function checkCertificate(value: unknown): Checked<StoredCertificate> {
  const shape = check<CertificateRecord>(certificateRecordSchema, value);
  if (!shape.ok) return shape;
  const record = shape.value;
  const decoded = decodeHeldCertificate(record.code);
  if (!decoded.ok) {
    const { code, detail } = decoded.error;
    return { ok: false, reason: 'CERTIFICATE_UNREADABLE', detail: detail ? `${code}: ${detail}` : code };
  }
  const s = decoded.value;
  const id = identityOf(s);
  if (id.contentId !== record.contentId || id.kind !== record.kind || id.holderKey !== record.holderKey)
    return { ok: false, reason: 'CERTIFICATE_MISMATCH', detail: 'stored record does not match its code' };
  return { ok: true, value: { record, signed: s } };
}
