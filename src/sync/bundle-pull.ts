/**
 * Keeping the trust bundle fresh: `GET /v1/bundle` with If-None-Match, a byte cap before parsing, TUF-style
 * acceptance in core (rollback rejected, equal version ignored, expired rejected), then one durable write
 * of bundle + trusted time. Offline is normal, not an error: the caller shows "last updated <age>".
 * The anchor is the current root (built-in, advanced by root rotations: roots.ts); trust-sync.ts runs the
 * roots step and then this one.
 */
import {
  type BundlePayload,
  type BundleUpdate,
  checkBundlePayload,
  decideBundleUpdate,
  MAX_BUNDLE_BYTES,
  type TrustAnchor,
  type VerifiedBundle,
  verifyBundle,
  verifyEnvelope,
} from '../core/bundle';
import { type ErrorCode, ok, type Result } from '../core/errors';
import type { UnixSeconds } from '../core/schema';
import type { Store, StoreErrorCode } from '../store';
import { fetchWithTimeout } from './fetch-with-timeout';

export const BUNDLE_URL = '/v1/bundle';

/**
 * Why talking to the server did not work this time (all retried later): no network or a timeout, the server
 * failing (5xx, 408, an answer we cannot read), or the server asking us to slow down (429).
 */
export type SyncErrorCode = 'NETWORK_UNAVAILABLE' | 'SERVER_ERROR' | 'RATE_LIMITED';

/**
 * `serverOffset`: the server's clock minus the phone's (its `Date` header against the phone's time when the pull
 * began), on every outcome where the server answered with one — core rules-cause.ts uses it to tell "your clock
 * is ahead" from "rules expired".
 */
export type PullOutcome = (
  | { readonly kind: 'updated'; readonly version: number }
  | { readonly kind: 'unchanged' }
  /** No network, timeout, or the server answered with an error status: try again later, quietly. */
  | { readonly kind: 'unreachable'; readonly code: SyncErrorCode; readonly detail?: string }
  /** The download was refused (too large, bad signature, rollback, expired...): worth showing in settings. */
  | { readonly kind: 'rejected'; readonly code: ErrorCode }
  | { readonly kind: 'storage-error'; readonly code: StoreErrorCode }
) & { readonly serverOffset?: number };

type BundleStore = Pick<Store, 'loadBundle' | 'saveBundle' | 'markBundleChecked'>;

export interface PullOptions {
  readonly store: BundleStore;
  /** The current root: the stored bundle is re-verified with it, the download must verify with it. */
  readonly anchor: TrustAnchor;
  readonly fetch?: typeof fetch;
  /** Unix seconds; read once at the start of the update (TUF: fix "now" before checking expiry). */
  readonly now?: () => UnixSeconds;
  readonly url?: string;
  readonly timeoutMs?: number;
  readonly maxBytes?: number;
}

export interface CurrentBundle {
  readonly bundle?: VerifiedBundle;
  readonly version?: number;
  readonly etag?: string;
  readonly trustedTime: UnixSeconds;
  readonly checkedAt?: UnixSeconds;
  /**
   * The stored bundle exists but does not verify against the current root (after a root rotation, until the
   * bundle the new root signed arrives): treated as no bundle, so every decision is CANNOT_VERIFY.
   */
  readonly storedInvalid?: ErrorCode;
}

export const nowSeconds = (): UnixSeconds => Math.floor(Date.now() / 1000);

/**
 * The server's clock as trusted time: the `Date` header of a verified bundle pull (200 or 304), capped at
 * that bundle's `expiresAt + policy.staleGraceSeconds`. Undefined when the header is missing or unparsable.
 *
 * Why the cap: the Date header is not signed, so a network attacker (or a broken server) can put any time
 * in it. Uncapped, a far-future Date would raise the never-lowered trusted time for good and every decision
 * would be CLOCK_BEHIND until the real clock caught up. Capped, the highest it can reach is the moment the
 * signed bundle itself stops being usable (past expiresAt + grace, decisions are BUNDLE_STALE anyway): a
 * forged Date cannot push trusted time beyond what a signed bundle permits. It can still make the phone
 * say "clock behind" sooner than needed (a denial of service, like blocking the network), never ALLOWED.
 * A Date in the past changes nothing (trusted time is never lowered).
 */
export function serverTrustedTime(
  dateHeader: string | null | undefined,
  bundle: BundlePayload,
): UnixSeconds | undefined {
  if (!dateHeader) return undefined;
  const ms = Date.parse(dateHeader);
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.floor(ms / 1000), bundle.expiresAt + bundle.policy.staleGraceSeconds);
}

/** The server's clock minus the phone's `now`, from a `Date` header (undefined when missing or unparsable). */
export function serverOffsetOf(dateHeader: string | null | undefined, now: UnixSeconds): number | undefined {
  const ms = dateHeader ? Date.parse(dateHeader) : Number.NaN;
  return Number.isFinite(ms) ? Math.floor(ms / 1000) - now : undefined;
}

/** Whether two anchors are the same root: version, threshold and keys (byte for byte, in order). */
function sameAnchor(a: TrustAnchor, b: TrustAnchor): boolean {
  return (
    a === b ||
    (a.version === b.version &&
      a.threshold === b.threshold &&
      a.keys.length === b.keys.length &&
      a.keys.every((k, i) => {
        const other = b.keys[i];
        return (
          other !== undefined &&
          k.kid === other.kid &&
          k.publicKey.length === other.publicKey.length &&
          k.publicKey.every((byte, j) => byte === other.publicKey[j])
        );
      }))
  );
}

/**
 * The last bundle text this page (or worker) verified, with the root it verified against. Verification is a
 * function of those two alone, and the stored text is read back and verified at start, by every pull and after
 * every sync: the same text with the same root is the same result, without a signature check each time (the
 * first one on a phone is a long task of a few hundred milliseconds). Any other text or root is verified.
 */
let lastVerified:
  | { readonly source: string; readonly anchor: TrustAnchor; readonly bundle: VerifiedBundle }
  | undefined;

function verifyStored(source: string, anchor: TrustAnchor): Result<VerifiedBundle> {
  if (lastVerified && lastVerified.source === source && sameAnchor(lastVerified.anchor, anchor))
    return ok(lastVerified.bundle);
  const verified = verifyBundle(source, anchor);
  if (verified.ok) lastVerified = { source, anchor, bundle: verified.value };
  return verified;
}

/** Let the page paint and handle input: the next task starts after (scheduler.yield where there is one). */
function yieldToMain(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  return scheduler?.yield ? scheduler.yield() : new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * core `acceptBundleUpdate` in three tasks — the download's read, the signatures, the content — each of which
 * is a long task on a slow phone's first visit. Nothing of the payload is used before both checks passed.
 */
async function acceptDownload(
  current: VerifiedBundle | undefined,
  source: string,
  anchor: TrustAnchor,
  now: UnixSeconds,
): Promise<Result<BundleUpdate>> {
  await yieldToMain();
  const envelope = verifyEnvelope(source, 'bundle', anchor);
  if (!envelope.ok) return envelope;
  await yieldToMain();
  const incoming = checkBundlePayload(envelope.value, source);
  if (!incoming.ok) return incoming;
  lastVerified = { source, anchor, bundle: incoming.value };
  return decideBundleUpdate(current, incoming.value, now);
}

/** The stored bundle, verified again against the current root anchor (the stored text is the source of truth). */
export async function loadCurrentBundle(
  store: Pick<Store, 'loadBundle'>,
  anchor: TrustAnchor,
): Promise<{ ok: true; value: CurrentBundle } | { ok: false; code: StoreErrorCode }> {
  const state = await store.loadBundle();
  if (!state.ok) return { ok: false, code: state.error.code };
  const { bundle: record, trustedTime, checkedAt } = state.value;
  const base = { trustedTime, ...(checkedAt !== undefined ? { checkedAt } : {}) };
  if (!record) return { ok: true, value: base };
  const verified = verifyStored(record.source, anchor);
  if (!verified.ok) return { ok: true, value: { ...base, storedInvalid: verified.error.code } };
  return {
    ok: true,
    value: {
      ...base,
      bundle: verified.value,
      version: verified.value.payload.version,
      ...(record.etag !== undefined ? { etag: record.etag } : {}),
    },
  };
}

export type Body = { ok: true; text: string } | { ok: false; code: ErrorCode };

/** Read at most `max` bytes; past it, cancel the stream (an endless response must not fill memory). */
export async function readCapped(res: Response, max: number): Promise<Body> {
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel().catch(() => {});
    return { ok: false, code: 'INPUT_TOO_LARGE' };
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (res.body) {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > max) {
        await reader.cancel().catch(() => {});
        return { ok: false, code: 'INPUT_TOO_LARGE' };
      }
      chunks.push(value);
    }
  } else {
    const buf = new Uint8Array(await res.arrayBuffer());
    if (buf.byteLength > max) return { ok: false, code: 'INPUT_TOO_LARGE' };
    chunks.push(buf);
    total = buf.byteLength;
  }
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(all) };
  } catch {
    return { ok: false, code: 'ENCODING_INVALID' };
  }
}

/** One bundle pull, without the single-flight and lock of `pullBundle` (trust-sync.ts holds its own). */
export async function pullBundleOnce(o: PullOptions): Promise<PullOutcome> {
  const now = (o.now ?? nowSeconds)();
  const current = await loadCurrentBundle(o.store, o.anchor);
  if (!current.ok) return { kind: 'storage-error', code: current.code };
  const headers: Record<string, string> = { accept: 'application/json' };
  if (current.value.bundle && current.value.etag) headers['if-none-match'] = current.value.etag;

  let res: Response;
  let body: Body | undefined;
  try {
    // no-store: we do our own revalidation with the stored ETag; the HTTP cache must not answer for us.
    ({ res, body } = await fetchWithTimeout(
      o.fetch ?? fetch,
      o.url ?? BUNDLE_URL,
      { headers, cache: 'no-store' },
      o.timeoutMs ?? 15_000,
      async (r) => ({ res: r, body: r.ok ? await readCapped(r, o.maxBytes ?? MAX_BUNDLE_BYTES) : undefined }),
    ));
  } catch (e) {
    return { kind: 'unreachable', code: 'NETWORK_UNAVAILABLE', detail: e instanceof Error ? e.message : String(e) };
  }

  const date = res.headers.get('date');
  const offset = serverOffsetOf(date, now);
  const outcome = await settlePull(o, current.value, res, body, now, date);
  return offset === undefined ? outcome : { ...outcome, serverOffset: offset };
}

/** What a pull's answer means: a 304 or equal version marks the check, a newer verified bundle is stored. */
async function settlePull(
  o: PullOptions,
  current: CurrentBundle,
  res: Response,
  body: Body | undefined,
  now: UnixSeconds,
  date: string | null,
): Promise<PullOutcome> {
  const etag = res.headers.get('etag') ?? undefined;
  if (res.status === 304) {
    // Our stored bundle (verified above) is the server's current one: its bounds cap the server's time.
    const stored = current.bundle?.payload;
    const marked = await o.store.markBundleChecked(now, etag, stored && serverTrustedTime(date, stored));
    return marked.ok ? { kind: 'unchanged' } : { kind: 'storage-error', code: marked.error.code };
  }
  if (!res.ok || !body) return { kind: 'unreachable', code: 'SERVER_ERROR', detail: `HTTP ${res.status}` };
  if (!body.ok) return { kind: 'rejected', code: body.code };

  const decision = await acceptDownload(current.bundle, body.text, o.anchor, now);
  if (!decision.ok) return { kind: 'rejected', code: decision.error.code };
  if (decision.value.kind === 'unchanged') {
    const stored = current.bundle?.payload;
    const marked = await o.store.markBundleChecked(now, etag, stored && serverTrustedTime(date, stored));
    return marked.ok ? { kind: 'unchanged' } : { kind: 'storage-error', code: marked.error.code };
  }
  const { payload, source } = decision.value.bundle;
  const saved = await o.store.saveBundle(
    {
      source,
      version: payload.version,
      issuedAt: payload.issuedAt,
      rootVersion: o.anchor.version ?? 1,
      ...(etag !== undefined ? { etag } : {}),
    },
    now,
    serverTrustedTime(date, payload),
  );
  if (!saved.ok) return { kind: 'storage-error', code: saved.error.code };
  // saved:false means another tab stored this version or a newer one first: nothing new for us.
  return saved.value.saved ? { kind: 'updated', version: payload.version } : { kind: 'unchanged' };
}

/**
 * The Web Lock every trust update holds (this bundle pull, and trust-sync.ts's roots + bundle sync), so one
 * runs at a time across tabs: the stored root chain and bundle are read, walked and written under it.
 */
export const TRUST_LOCK = 'singgah-trust-sync';

let inFlight: Promise<PullOutcome> | undefined;

/**
 * The bundle step alone, one at a time: in this page (shared promise) and across tabs (Web Locks, where
 * available). The app runs `syncTrust` (trust-sync.ts), which pulls the roots first.
 */
export function pullBundle(o: PullOptions): Promise<PullOutcome> {
  if (inFlight) return inFlight;
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  // (LockManager's typing nests the callback's promise; at run time it is flattened.)
  const run: Promise<PullOutcome> = locks
    ? locks.request(TRUST_LOCK, () => pullBundleOnce(o)).then((r) => r)
    : pullBundleOnce(o);
  inFlight = run.finally(() => {
    inFlight = undefined;
  });
  return inFlight;
}
