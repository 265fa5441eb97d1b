/**
 * "Export all my data": a JSON file the app can import again (on another phone). Certificates travel as their
 * signed QR codes only — the importer decodes each again (and the app verifies its signature against the
 * bundle before use), so nothing can be forged through the file. Check-ins carry their verbatim venue code, and
 * the venue id and name must match what it decodes to.
 */
import * as v from 'valibot';
import { time } from '../core/schema';

export const EXPORT_FORMAT = 'singgah-export';
export const EXPORT_VERSION = 1;
/** Checked on the text before it is parsed. */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
const MAX_ITEMS = 100_000;
const MAX_CERTIFICATE_CODE = 24 * 1024;

const id = v.pipe(v.string(), v.regex(/^[0-9a-f]{1,64}$/));
const shortText = v.pipe(v.string(), v.maxLength(200));

export const exportFileSchema = v.strictObject({
  format: v.literal(EXPORT_FORMAT),
  version: v.literal(EXPORT_VERSION),
  exportedAt: time,
  certificates: v.pipe(
    v.array(
      v.strictObject({
        // A chunked SMART Health Card's lines: ten chunks of 1,191 JWS characters as digits (core/shc numeric.ts).
        code: v.pipe(v.string(), v.maxLength(MAX_CERTIFICATE_CODE)),
        importedAt: time,
        deletedAt: v.optional(time),
        /** A foreign certificate's chosen person when its holder matches several (store schema.ts CertificateRecord). */
        person: v.optional(v.pipe(v.string(), v.maxLength(200))),
      }),
    ),
    v.maxLength(MAX_ITEMS),
  ),
  checkins: v.pipe(
    v.array(
      v.strictObject({
        id,
        venueCode: v.pipe(v.string(), v.maxLength(8192)),
        venueId: shortText,
        venueName: shortText,
        people: v.pipe(v.array(shortText), v.maxLength(50)),
        checkedInAt: time,
        checkedOutAt: v.optional(time),
        autoCheckOutAt: time,
      }),
    ),
    v.maxLength(MAX_ITEMS),
  ),
  outbox: v.pipe(
    v.array(v.strictObject({ id, op: v.picklist(['checkin', 'checkout']), createdAt: time })),
    v.maxLength(2 * MAX_ITEMS),
  ),
});

export type ExportFile = v.InferOutput<typeof exportFileSchema>;

/** What importAll added (existing records with the same key are kept as they are: importing twice adds nothing). */
export interface ImportSummary {
  readonly certificates: number;
  readonly checkins: number;
  readonly outbox: number;
}
