/** The EU Digital COVID Certificate: decode and verify `HC1:` texts, map them to facts. */
export { fromBase45, toBase45 } from './base45';
export {
  COVID_19,
  certificateOf,
  type DccCertificate,
  type DccFact,
  type DccHolder,
  factOf,
  readDccDate,
  readDccTime,
  TEST_RESULTS,
  TEST_TYPES,
} from './facts';
export { MAX_INFLATED } from './inflate';
export { HC1_PREFIX, type InspectOptions, inspectDcc, MAX_HC1_TEXT, verifyDcc } from './inspect';
export { countryUciHash, toBase64, uciHash } from './revocation';
export {
  checkDccRules,
  type DccRuleInput,
  dccRuleData,
  dccRuleDescription,
  dccRuleNamed,
  dccRulesInForce,
} from './rules';
export type { DccPayload, DccRecovery, DccTest, DccVaccination } from './schema';
export { parseDccPayload } from './schema';
export type {
  DccCheck,
  DccClaims,
  DccErrorCode,
  DccInspection,
  DccPublicKey,
  DccRevocations,
  DccSigner,
  DccType,
  RevocationHashes,
} from './types';
export { type DccCodeName, euValueSets, nameOfCode, VALUE_SET } from './value-sets';
