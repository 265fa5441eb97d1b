/**
 * Errors of the authority operations: a stable code and a message meant for the operator (printed
 * by the CLI as is). Never carries secrets.
 */
export type AuthorityErrorCode =
  | 'KEYS_EXIST'
  | 'KEYS_MISSING'
  | 'KEY_FILE_INVALID'
  | 'TRUST_INVALID'
  | 'POLICY_INVALID'
  | 'BUNDLE_NOT_PUBLISHED'
  | 'BUNDLE_INVALID'
  | 'INPUT_INVALID'
  | 'CATEGORY_UNKNOWN'
  | 'REGION_INVALID'
  | 'SIGNING_KEY_MISSING'
  | 'VENUE_DUPLICATE'
  | 'KEY_LOCKED'
  | 'NOT_FOUND'
  | 'DCC_SIGNER_INVALID'
  | 'CHECK_FAILED'
  | 'DCC_RULE_INVALID'
  | 'DEMO_DIR_REFUSED'
  | 'ROOT_KEYS_OFFLINE'
  | 'SIGNATURES_MISSING'
  | 'SHC_ISSUER_INVALID'
  | 'DEMO_DATABASE_REFUSED';

export class AuthorityError extends Error {
  constructor(
    readonly code: AuthorityErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AuthorityError';
  }
}
