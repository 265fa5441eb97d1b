/**
 * The server's refusal codes for uploaded items are worded in both languages (src/ui/upload-refusal.ts), and the
 * list the app words is exactly the list the server can send besides core's own codes.
 */
import { describe, expect, it } from 'vitest';
import type { ItemCode } from '../../server/checkins';
import type { ErrorCode } from '../../src/core/errors';
import { translate } from '../../src/ui/i18n';
import { en } from '../../src/ui/i18n/en';
import { id } from '../../src/ui/i18n/id';
import { describeUploadRefusal, UPLOAD_REFUSAL_CODES, type UploadRefusalCode } from '../../src/ui/upload-refusal';

// Compile-time: every server-only item code (and the people cap the server also sends) is in the app's list…
type ServerOnly = Exclude<ItemCode, ErrorCode> | 'CHECKIN_TOO_MANY_PEOPLE';
const everyServerCode: Record<ServerOnly, true> = {
  VENUE_UNKNOWN: true,
  TIME_IN_FUTURE: true,
  TIME_TOO_OLD: true,
  ITEM_CONFLICT: true,
  CHECKIN_PROOF_MISSING: true,
  CHECKIN_PROOF_INVALID: true,
  CHECKOUT_UNKNOWN: true,
  CHECKIN_TOO_MANY_PEOPLE: true,
};
// …and the app's list holds nothing the server cannot send.
const appCodes: readonly ServerOnly[] = UPLOAD_REFUSAL_CODES satisfies readonly UploadRefusalCode[];

describe('upload refusals in words', () => {
  it('the app words exactly the codes the server sends', () => {
    expect([...appCodes].sort()).toEqual(Object.keys(everyServerCode).sort());
  });

  it.each(UPLOAD_REFUSAL_CODES)('%s has its own text in Indonesian and English, and keeps the code', (code) => {
    expect(id.uploadRefusal[code]).toBeTruthy();
    expect(en.uploadRefusal[code]).toBeTruthy();
    expect(id.uploadRefusal[code]).not.toBe(en.uploadRefusal[code]);
    const t = (key: Parameters<typeof translate>[1], params?: Parameters<typeof translate>[2]) =>
      translate('id', key, params);
    expect(describeUploadRefusal(t, code)).toBe(`${id.uploadRefusal[code]} (kode ${code})`);
  });

  it('a code from a newer server is shown as it is', () => {
    const t = (key: Parameters<typeof translate>[1], params?: Parameters<typeof translate>[2]) =>
      translate('id', key, params);
    expect(describeUploadRefusal(t, 'SOMETHING_NEW')).toBe('Alasan: SOMETHING_NEW');
  });
});
