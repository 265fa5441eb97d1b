/**
 * Exposure notice v1: "a confirmed case was at venue V from `from` to `to`", signed by the authority's online
 * notices key (a bundle key with role `notices`). Payload: a JSON array
 * `[1, seq, venueId, from, to, issuedAt, kid]`; wire form `{"seq", "payload": b64url, "sig": b64url}`.
 * The server issues them from case uploads; phones verify each one before matching it against local history.
 */
import * as v from 'valibot';
import { type BundlePayload, verifyWithBundleKey } from './bundle';
import { fromBase64Url, fromUtf8, toBase64Url } from './bytes';
import { contentIdOf, signDetached } from './ed25519';
import { err, ok, type Result } from './errors';
import { identifier, keyId, parseJson, parseWith, time, type UnixSeconds } from './schema';
import { payloadBytes } from './signed-qr';

/** Longest notice window: a stay longer than two weeks is not a visit. */
export const MAX_NOTICE_WINDOW_SECONDS = 14 * 86_400;
/** A notice payload is ~80 bytes; anything far larger is garbage, refused before decoding. */
export const MAX_NOTICE_PAYLOAD_CHARS = 1024;

const seqSchema = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(Number.MAX_SAFE_INTEGER));

const noticeTuple = v.strictTuple([v.literal(1), seqSchema, identifier, time, time, time, keyId]);

const wireSchema = v.strictObject({
  seq: seqSchema,
  payload: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]+$/), v.maxLength(MAX_NOTICE_PAYLOAD_CHARS)),
  sig: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{86}$/)),
});

export interface Notice {
  readonly seq: number;
  readonly venueId: string;
  readonly from: UnixSeconds;
  readonly to: UnixSeconds;
  readonly issuedAt: UnixSeconds;
  readonly kid: string;
}

export interface NoticeWire {
  readonly seq: number;
  readonly payload: string;
  readonly sig: string;
}

export const noticeToTuple = (n: Notice) => [1, n.seq, n.venueId, n.from, n.to, n.issuedAt, n.kid] as const;

/** Authority side. The caller checks the fields (the server validates visits before it signs). */
export function signNotice(fields: Notice, secretKey: Uint8Array): { payload: string; sig: string } {
  const bytes = payloadBytes(noticeToTuple(fields));
  return { payload: toBase64Url(bytes), sig: toBase64Url(signDetached('notices', bytes, secretKey)) };
}

/**
 * Parse and check a notice as received (unknown input: a feed item), then its signature with a bundle key of
 * role `notices` valid at `issuedAt`. Every structural problem is NOTICE_INVALID with a detail: for the phone
 * they all mean "drop this notice", and the detail tells an operator why.
 */
export function verifyNotice(bundle: BundlePayload, wire: unknown): Result<Notice> {
  const w = parseWith(wireSchema, wire);
  if (!w.ok) return err('NOTICE_INVALID', `wire: ${w.error.detail ?? w.error.code}`);
  const payload = fromBase64Url(w.value.payload);
  const signature = fromBase64Url(w.value.sig);
  if (!payload || !signature) return err('NOTICE_INVALID', 'not base64url');
  const source = fromUtf8(payload);
  if (source === undefined) return err('NOTICE_INVALID', 'payload is not UTF-8');
  const json = parseJson(source);
  if (!json.ok) return err('NOTICE_INVALID', 'payload is not JSON');
  if (Array.isArray(json.value) && json.value[0] !== 1) return err('FORMAT_VERSION_UNSUPPORTED');
  const t = parseWith(noticeTuple, json.value);
  if (!t.ok) return err('NOTICE_INVALID', `payload: ${t.error.detail ?? t.error.code}`);
  const [, seq, venueId, from, to, issuedAt, kid] = t.value;
  // The wire seq is what a client pages with; a payload signed for another seq must not pass under it.
  if (seq !== w.value.seq) return err('NOTICE_INVALID', `seq ${w.value.seq} carries payload seq ${seq}`);
  if (!(from < to)) return err('NOTICE_INVALID', 'from must be before to');
  if (to - from > MAX_NOTICE_WINDOW_SECONDS) return err('NOTICE_INVALID', 'window longer than 14 days');
  const key = verifyWithBundleKey(bundle, {
    type: 'notices',
    role: 'notices',
    kid,
    signedAt: issuedAt,
    payload,
    signature,
    contentId: contentIdOf('notices', payload),
    invalidSignature: 'NOTICE_SIGNATURE_INVALID',
  });
  return key.ok ? ok({ seq, venueId, from, to, issuedAt, kid }) : key;
}

/**
 * The venue id a notice as received names, read without checking its signature (undefined when it cannot be
 * read). Only to choose which notices to verify: a phone verifies the notices naming a venue it visited, since the
 * others cannot match anything, and trusts a notice only after `verifyNotice`.
 */
export function claimedVenueId(wire: unknown): string | undefined {
  const payload = (wire as { payload?: unknown } | null)?.payload;
  if (typeof payload !== 'string' || payload.length > MAX_NOTICE_PAYLOAD_CHARS) return undefined;
  const bytes = fromBase64Url(payload);
  const source = bytes && fromUtf8(bytes);
  const json = source === undefined ? undefined : parseJson(source);
  const venueId = json?.ok && Array.isArray(json.value) ? json.value[2] : undefined;
  return typeof venueId === 'string' ? venueId : undefined;
}
