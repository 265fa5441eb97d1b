/**
 * Why the server refused an uploaded check-in or check-out, in the person's language. The server answers with a
 * code per item (server/checkins.ts `ItemCode`); the codes it can give today are worded, and the code itself
 * stays beside the words for the help desk. A code this app does not know yet (a newer server) is shown as is.
 */
import type { I18n } from './i18n';

export const UPLOAD_REFUSAL_CODES = [
  'VENUE_UNKNOWN',
  'TIME_IN_FUTURE',
  'TIME_TOO_OLD',
  'ITEM_CONFLICT',
  'CHECKIN_PROOF_MISSING',
  'CHECKIN_PROOF_INVALID',
  'CHECKOUT_UNKNOWN',
  'CHECKIN_TOO_MANY_PEOPLE',
] as const;
export type UploadRefusalCode = (typeof UPLOAD_REFUSAL_CODES)[number];

const isKnown = (code: string): code is UploadRefusalCode => (UPLOAD_REFUSAL_CODES as readonly string[]).includes(code);

export function describeUploadRefusal(t: I18n['t'], code: string): string {
  if (!isKnown(code)) return t('sync.deadCode', { code });
  return t('uploadRefusal.withCode', { reason: t(`uploadRefusal.${code}`), code });
}
