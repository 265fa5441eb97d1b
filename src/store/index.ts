export type {
  BundleRecord,
  CertificateRecord,
  CheckInRecord,
  MetaValues,
  OutboxOp,
  OutboxRecord,
  SinggahDB,
} from './schema';
export { DB_NAME, DB_VERSION } from './schema';
export type {
  CertificateList,
  CheckInInput,
  Store,
  StoredBundleState,
  StoredCertificate,
  StoreError,
  StoreErrorCode,
  StoreEvent,
  StoreOptions,
  StoreResult,
  UnreadableCertificate,
} from './store';
export { checkInEnd, createStore, isActiveCheckIn, randomHexId } from './store';
