/**
 * The authority's operations, one file per concern, as the rest of the server sees them: the CLI, the demo
 * set-up, CSV imports, the notices signer and the routes import from here, never from a file of this folder.
 * Everything signed is verified with the same core verifiers the phones use before it is published or stored.
 */
export {
  nextPayloadFromPolicy,
  payloadFromPolicy,
  prepareBundle,
  publishPreparedBundle,
  readPolicyFile,
  republishBundle,
  republishPayload,
  type SignedBundle,
  signBundleFromPolicy,
} from './bundle';
export {
  type CertificateInput,
  type HolderInput,
  type IssuedCertificate,
  issueCertificate,
  prepareCertificate,
} from './certificates';
export { randomId } from './ids';
export { DEFAULT_ORIGIN, isoTime, type RegisterOptions } from './input';
export {
  publishedBundlePath,
  publishedPolicy,
  readPublishedBundle,
  requirePublishedBundle,
} from './published-bundle';
export { revokeCertificate, revokeKey, rotateSigningKey } from './revocations';
export {
  MAX_NEW_ROOT_KEYS,
  prepareRootRotation,
  type RotatedRoot,
  type RotateRootOptions,
  rotateRoot,
} from './root-rotation';
export { signingKey } from './signing-keys';
export {
  bundleRequest,
  cosignRequest,
  mergeRequests,
  type PublishedRequest,
  publishRequest,
  readRequest,
  type SigningRequest,
  summarise,
  writeRequest,
} from './signing-request';
export { suspendCertificates } from './suspensions';
export {
  checkVenueFields,
  checkVenueInput,
  insertVenues,
  MAX_POSTER_QR_VERSION,
  type RegisteredVenue,
  registeredVenue,
  registerVenue,
  resignVenue,
  signVenue,
  type VenueInput,
} from './venues';
