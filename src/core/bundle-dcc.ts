/**
 * The EU DCC fields of a signed bundle (core/bundle.ts spreads `dccBundleFields` into its payload schema):
 * trusted Document Signers, revocation lists, value sets and EU business rules. All optional: a bundle
 * without them trusts no DCC.
 */
import * as v from 'valibot';
import { logic } from './rule-logic';
import { text } from './schema';

/** First 16 bytes of a SHA-256, standard base64: one entry of an EU DCC revocation list. */
const dccRevocationList = v.pipe(
  v.array(v.pipe(v.string(), v.regex(/^[A-Za-z0-9+/]{22}==$/))),
  v.maxLength(100_000),
  v.readonly(),
);

/** Signers a bundle may carry: the whole EU gateway list had ~2,000 DSCs in 2022; 1 MiB caps the bytes. */
export const MAX_DCC_SIGNERS = 4096;
const base64Url = (min: number, max: number) =>
  v.pipe(v.string(), v.minLength(min), v.maxLength(max), v.regex(/^[A-Za-z0-9_-]+$/));

/**
 * A foreign (or own) EU DCC Document Signer (core/dcc/types.ts `DccSigner`), as the authority extracted it
 * from its X.509 certificate (server/dcc-trust.ts): phones verify `HC1:` certificates with these and never
 * parse X.509. kid: base64 of the first 8 bytes of SHA-256 of the DER; usages absent = may sign every type.
 */
const dccSigner = v.pipe(
  v.strictObject({
    kid: v.pipe(v.string(), v.regex(/^[A-Za-z0-9+/]{11}=$/)),
    country: v.pipe(v.string(), v.regex(/^[A-Z]{2}$/)),
    alg: v.picklist(['ES256', 'PS256']),
    key: v.variant('kty', [
      v.strictObject({ kty: v.literal('EC'), crv: v.literal('P-256'), x: base64Url(43, 43), y: base64Url(43, 43) }),
      // 2048–8192-bit modulus; exponent up to 4 bytes.
      v.strictObject({ kty: v.literal('RSA'), n: base64Url(342, 1366), e: base64Url(2, 6) }),
    ]),
    notBefore: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(253_402_300_799))),
    notAfter: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(253_402_300_799))),
    usages: v.optional(v.pipe(v.array(v.picklist(['t', 'v', 'r'])), v.minLength(1), v.maxLength(3), v.readonly())),
  }),
  v.check((s) => (s.alg === 'ES256') === (s.key.kty === 'EC'), 'alg does not match the key type'),
  v.check(
    (s) => s.notBefore === undefined || s.notAfter === undefined || s.notBefore < s.notAfter,
    'notAfter must follow notBefore',
  ),
);
/**
 * The DCC value sets phones show codes with and EU rules read (`external.valueSets`): per set id (the EU
 * `valueSetId`, e.g. `vaccines-covid-19-names`) a map code → English display name. The EU's nine sets held
 * ~420 codes in 2023; the caps leave room for growth and stop a flood long before the 1 MiB bundle cap.
 */
export const MAX_DCC_VALUE_SETS = 32;
export const MAX_DCC_VALUE_SET_CODES = 2000;
export const MAX_DCC_VALUE_CODES_TOTAL = 8000;
const valueSetId = v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]{0,63}$/));
const valueSetCode = v.pipe(
  text(64),
  v.check((c) => c.trim() === c, 'code with surrounding spaces'),
);
export const dccValueSetsSchema = v.pipe(
  v.record(
    valueSetId,
    v.pipe(
      v.record(valueSetCode, text(200)),
      v.check((set) => Object.keys(set).length <= MAX_DCC_VALUE_SET_CODES, 'too many codes in one value set'),
    ),
  ),
  v.check((sets) => Object.keys(sets).length <= MAX_DCC_VALUE_SETS, 'too many value sets'),
  v.check(
    (sets) => Object.values(sets).reduce((n, set) => n + Object.keys(set).length, 0) <= MAX_DCC_VALUE_CODES_TOTAL,
    'too many value-set codes',
  ),
);

/** At most this many EU rules (every version of every identifier) in a bundle; a country published ~40. */
export const MAX_DCC_RULES = 500;
const semver = v.pipe(v.string(), v.regex(/^\d{1,4}\.\d{1,4}\.\d{1,4}$/));
/** An EU rule's ValidFrom/ValidTo: ISO 8601 with seconds and an offset, as the gateway publishes them. */
const ruleTime = v.pipe(
  v.string(),
  v.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/),
  v.check((s) => !Number.isNaN(Date.parse(s)), 'not a date-time'),
);

/**
 * An EU DCC business rule exactly in the EU gateway's format (its validation-rule JSON schema), so rules
 * written for EU verifiers run unchanged (core/dcc/rules.ts evaluates them; docs/FORMATS.md "EU rules").
 */
export const euRuleSchema = v.pipe(
  v.strictObject({
    Identifier: v.pipe(v.string(), v.regex(/^(GR|VR|TR|RR|IR)-[A-Z]{2}-\d{4}$/)),
    Type: v.picklist(['Acceptance', 'Invalidation']),
    Country: v.pipe(v.string(), v.regex(/^[A-Z]{2}$/)),
    Version: semver,
    SchemaVersion: semver,
    Engine: v.pipe(
      v.string(),
      v.check((e) => e.toUpperCase() === 'CERTLOGIC', 'engine must be CERTLOGIC'),
    ),
    EngineVersion: semver,
    CertificateType: v.picklist(['General', 'Test', 'Vaccination', 'Recovery']),
    Description: v.pipe(
      v.array(v.strictObject({ lang: v.pipe(v.string(), v.regex(/^[a-z]{2}$/)), desc: text(1000) })),
      v.minLength(1),
      v.maxLength(32),
    ),
    ValidFrom: ruleTime,
    ValidTo: ruleTime,
    AffectedFields: v.pipe(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(100))), v.maxLength(64)),
    Logic: logic,
  }),
  v.check((r) => Date.parse(r.ValidFrom) < Date.parse(r.ValidTo), 'ValidTo must follow ValidFrom'),
);

export const dccBundleFields = {
  /** EU DCC signers the authority trusts (`singgah trust import`); absent in bundles before it. */
  dccSigners: v.optional(v.pipe(v.array(dccSigner), v.maxLength(MAX_DCC_SIGNERS))),
  /** Revoked EU DCCs as the EU revocation lists carry them (core/dcc/revocation.ts); absent = none. */
  dccRevocations: v.optional(
    v.strictObject({
      uci: v.optional(dccRevocationList),
      countryUci: v.optional(dccRevocationList),
      signature: v.optional(dccRevocationList),
    }),
  ),
  /** Names for DCC codes, and `external.valueSets` of EU rules (`singgah rules valuesets`); absent = none. */
  dccValueSets: v.optional(dccValueSetsSchema),
  /**
   * EU DCC acceptance rules (`singgah rules import-eu`) of the acceptance country `country` (the rules'
   * `external.countryCode`): a verified DCC that fails one in force does not count.
   */
  dccRules: v.optional(
    v.strictObject({
      country: v.pipe(v.string(), v.regex(/^[A-Z]{2}$/)),
      rules: v.pipe(v.array(euRuleSchema), v.maxLength(MAX_DCC_RULES)),
    }),
  ),
};
