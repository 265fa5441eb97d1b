export type { StoreChange } from './broadcast';
export { STORE_CHANNEL } from './broadcast';
export type { CertificateList } from './certificates';
export { RECYCLE_BIN_SECONDS } from './certificates';
export type { CheckInInput, CheckInPage, CheckInPosition } from './check-ins';
export { checkInEnd, isActiveCheckIn, randomHexId } from './check-ins';
export type { StoreEvent } from './connection';
export type { ExportFile, ImportSummary } from './export-format';
export { EXPORT_FORMAT, EXPORT_VERSION, MAX_IMPORT_BYTES } from './export-format';
export type { StoredCertificate } from './records';
export type { Listed, QuarantinedItem, StoreError, StoreErrorCode, StoreResult } from './result';
export type {
  BundleRecord,
  CertificateRecord,
  CheckedStore,
  CheckInRecord,
  MetaValues,
  Migration,
  OutboxOp,
  OutboxRecord,
  QuarantineReason,
  QuarantineRecord,
  SinggahDB,
} from './schema';
export { DB_NAME, DB_VERSION, migrate, migrations } from './schema';
export type { Store, StoreOptions } from './store';
export { createStore } from './store';
export type { StoredBundleState } from './trust';
