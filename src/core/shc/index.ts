/** SMART Health Cards: decode and verify `shc:/` texts (and bare JWS), map them to facts. */
export { addShcChunk, assembleShcTexts, type ShcAssembly, type ShcChunkSet } from './chunks';
export {
  certificateOfShc,
  factsOfShc,
  readFhirDate,
  readFhirTime,
  readShcContents,
  type ShcCertificate,
  type ShcCoding,
  type ShcFact,
  type ShcHolder,
  type ShcImmunization,
  type ShcLabResult,
} from './facts';
export { inflateRawCapped, MAX_SHC_INFLATED } from './inflate';
export { inspectShc, MAX_SHC_TEXT, type ShcInput, type ShcInspectOptions, shcInputOf, verifyShc } from './inspect';
export { isDerSignature, parseShcJws } from './jws';
export {
  fromShcDigits,
  MAX_CHUNK_JWS,
  MAX_CHUNKS,
  MAX_SINGLE_JWS,
  parseShcChunk,
  SHC_PREFIX,
  type ShcChunk,
  toShcDigits,
  toShcTexts,
} from './numeric';
export { HEALTH_CARD_TYPE, parseShcPayload, type ShcPayload } from './payload';
export { isRidEntry, isRidRevoked } from './revocation';
export { jwkThumbprint } from './thumbprint';
export {
  SHC_CHECKS,
  type ShcCheck,
  type ShcClaims,
  type ShcErrorCode,
  type ShcInspection,
  type ShcIssuer,
  type ShcIssuerKey,
} from './types';
