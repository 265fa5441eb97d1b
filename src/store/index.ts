export type { ExportFile, ImportSummary } from './export-format';
export { EXPORT_FORMAT, EXPORT_VERSION, MAX_IMPORT_BYTES } from './export-format';
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
export type {
  CertificateList,
  CheckInInput,
  CheckInPage,
  CheckInPosition,
  Listed,
  QuarantinedItem,
  Store,
  StoreChange,
  StoredBundleState,
  StoredCertificate,
  StoreError,
  StoreErrorCode,
  StoreEvent,
  StoreOptions,
  StoreResult,
} from './store';
export {
  checkInEnd,
  createStore,
  isActiveCheckIn,
  RECYCLE_BIN_SECONDS,
  randomHexId,
  STORE_CHANNEL,
} from './store';
