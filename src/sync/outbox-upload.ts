/**
 * Pushing the outbox: `POST /v1/checkins` in batches of at most 100, oldest first (docs/FORMATS.md "Sync API").
 * Each entry's check-in id (with its op) is the idempotency key, so sending an item twice — a retry after a
 * timeout that the server had in fact committed — stores it once ("duplicate" counts as done).
 *
 * Per item: stored / duplicate → removed from the outbox; rejected → moved to the dead letters (final: the same
 * item gets the same answer). Per request: network error, timeout, 408, 429 (Retry-After) and 5xx → stop and
 * retry later with backoff (sync-run.ts); 400/413/415 and any other 4xx → the request itself was refused, so
 * the batch is **split in halves** until the item that causes it stands alone, and that one is dead-lettered
 * with the server's code. Each batch's outcome is written in one durable transaction.
 *
 * Nothing personal leaves the phone: venue id, times, the number of people and the check-in's proof of the
 * venue's signed QR (a hash bound to the check-in id, core checkin-upload.ts) — never names, never the venue code
 * itself, never a device id.
 *
 * Spread in time: a small outbox goes one visit per request, and every request after the first waits a random
 * pause (core planUploadRequests, uploadPauseMs), so one POST does not carry a phone's trail.
 */
import {
  checkInProofOf,
  MAX_CHECKIN_PEOPLE,
  planUploadRequests,
  UPLOAD_SPREAD_MS,
  uploadPauseMs,
} from '../core/checkin-upload';
import type { UnixSeconds } from '../core/schema';
import type { CheckInRecord, OutboxRecord, Store } from '../store';
import type { DeadLetterRecord, OutboxKey, PendingUpload } from '../store/sync-state';
import { readCapped, type SyncErrorCode } from './bundle-pull';
import { fetchWithTimeout } from './fetch-with-timeout';

export const CHECKINS_URL = '/v1/checkins';
/** The server's cap (FORMATS.md): more items in one request are refused whole. */
export const MAX_BATCH = 100;
const MAX_RESPONSE_BYTES = 256 * 1024;

export type UploadItem =
  | {
      readonly id: string;
      readonly op: 'checkin';
      readonly venueId: string;
      readonly at: UnixSeconds;
      readonly autoCheckOutAt: UnixSeconds;
      readonly people: number;
      readonly proof: string;
    }
  | { readonly id: string; readonly op: 'checkout'; readonly at: UnixSeconds };

export type UploadOutcome =
  /** The outbox is empty (everything sent was stored, or dead-lettered). */
  | { readonly kind: 'done'; readonly uploaded: number; readonly deadLettered: number }
  /** Stopped on a retryable failure; what was settled before it stays settled. */
  | {
      readonly kind: 'retry';
      readonly code: SyncErrorCode;
      readonly detail?: string;
      /** The server's Retry-After header as sent (seconds or an HTTP-date), when there was one. */
      readonly retryAfter?: string;
      readonly uploaded: number;
      readonly deadLettered: number;
    }
  | { readonly kind: 'storage-error'; readonly code: string };

export type UploadStore = Pick<Store, 'pendingUploads' | 'settleUploads'>;

export interface UploadOptions {
  readonly store: UploadStore;
  readonly fetch?: typeof fetch;
  readonly url?: string;
  readonly now: () => UnixSeconds;
  readonly timeoutMs?: number;
  readonly batchSize?: number;
  /** Checked between batches: a sync that must stop (page hiding, test) stops cleanly after the current one. */
  readonly signal?: AbortSignal;
  /** In [0, 1): draws the pause before each request after the first (default Math.random). */
  readonly random?: () => number;
  /** The longest pause before a request (default UPLOAD_SPREAD_MS; 0 = none). */
  readonly spreadMs?: number;
  /** Waits `ms` (default a timer); injectable so tests see the pauses without waiting them out. */
  readonly pause?: (ms: number) => Promise<void>;
}

/** The wire form of one outbox entry; undefined when its visit is gone (nothing left to send). */
export function toUploadItem(entry: OutboxRecord, checkin: CheckInRecord | undefined): UploadItem | undefined {
  if (!checkin) return undefined;
  if (entry.op === 'checkout')
    return checkin.checkedOutAt === undefined ? undefined : { id: entry.id, op: 'checkout', at: checkin.checkedOutAt };
  return {
    id: entry.id,
    op: 'checkin',
    venueId: checkin.venueId,
    at: checkin.checkedInAt,
    autoCheckOutAt: checkin.autoCheckOutAt,
    // Who came is not uploaded, only how many (the server counts occupancy); a visit recorded before any
    // certificate was imported is still one person. The server accepts 1–MAX_CHECKIN_PEOPLE (the door refuses
    // more since; a larger group recorded before still counts, at the cap).
    people: Math.min(MAX_CHECKIN_PEOPLE, Math.max(1, checkin.people.length)),
    proof: checkInProofOf(entry.id, checkin.venueCode),
  };
}

type ItemResult = {
  id: string;
  op: 'checkin' | 'checkout';
  status: 'stored' | 'duplicate' | 'rejected';
  code?: string;
};

/** Strictly what FORMATS.md promises; anything else is a server fault (retried, nothing settled). */
function parseResults(text: string, sent: readonly UploadItem[]): ItemResult[] | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const results = (json as { results?: unknown } | null)?.results;
  if (!Array.isArray(results) || results.length !== sent.length) return undefined;
  const out: ItemResult[] = [];
  for (const [i, r] of results.entries()) {
    const item = sent[i] as UploadItem;
    if (!r || typeof r !== 'object') return undefined;
    const { id, op, status, code } = r as Record<string, unknown>;
    if (id !== item.id || op !== item.op) return undefined;
    if (status !== 'stored' && status !== 'duplicate' && status !== 'rejected') return undefined;
    out.push({ id: item.id, op: item.op, status, ...(typeof code === 'string' ? { code } : {}) });
  }
  return out;
}

async function errorCodeOf(res: Response): Promise<string> {
  const body = await readCapped(res, 16 * 1024).catch(() => undefined);
  if (body?.ok) {
    try {
      const code = (JSON.parse(body.text) as { error?: { code?: unknown } } | null)?.error?.code;
      if (typeof code === 'string' && /^[A-Z0-9_]{1,64}$/.test(code)) return code;
    } catch {
      // not our error shape
    }
  }
  return `HTTP_${res.status}`;
}

type Sent =
  | { kind: 'results'; results: ItemResult[] }
  | { kind: 'refused'; code: string }
  | { kind: 'retry'; code: SyncErrorCode; detail?: string; retryAfter?: string };

async function send(items: readonly UploadItem[], o: UploadOptions): Promise<Sent> {
  const init: RequestInit = {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ items }),
    cache: 'no-store',
  };
  try {
    return await fetchWithTimeout(o.fetch ?? fetch, o.url ?? CHECKINS_URL, init, o.timeoutMs ?? 20_000, async (res) => {
      if (res.status === 200) {
        const body = await readCapped(res, MAX_RESPONSE_BYTES);
        const results = body.ok ? parseResults(body.text, items) : undefined;
        return results
          ? { kind: 'results', results }
          : { kind: 'retry', code: 'SERVER_ERROR', detail: 'unexpected response body' };
      }
      if (res.status === 408 || res.status === 429 || res.status >= 500 || res.status < 400) {
        await res.body?.cancel().catch(() => {});
        const retryAfter = res.headers.get('retry-after') ?? undefined;
        return {
          kind: 'retry',
          code: res.status === 429 ? 'RATE_LIMITED' : 'SERVER_ERROR',
          detail: `HTTP ${res.status}`,
          ...(retryAfter !== undefined ? { retryAfter } : {}),
        };
      }
      return { kind: 'refused', code: await errorCodeOf(res) };
    });
  } catch (e) {
    // fetch failed (offline, connection dropped) or our timeout fired (the server may have committed: the
    // retry is then answered "duplicate").
    return { kind: 'retry', code: 'NETWORK_UNAVAILABLE', detail: e instanceof Error ? e.message : String(e) };
  }
}

interface Tally {
  uploaded: number;
  deadLettered: number;
}

/**
 * Send `batch` and settle it; a refused request is split until the culprit stands alone. Returns a retry
 * outcome to stop on, or undefined when the whole batch is settled.
 */
async function uploadBatch(
  batch: readonly PendingUpload[],
  o: UploadOptions,
  tally: Tally,
): Promise<Extract<UploadOutcome, { kind: 'retry' | 'storage-error' }> | undefined> {
  const now = o.now();
  const done: OutboxKey[] = [];
  const items: UploadItem[] = [];
  for (const p of batch) {
    const item = toUploadItem(p.entry, p.checkin);
    // A visit that is gone (retention ran, or an entry without its check-in) has nothing to send: drop it.
    if (item) items.push(item);
    else done.push([p.entry.id, p.entry.op]);
  }
  if (items.length === 0) {
    const settled = await o.store.settleUploads({ done, dead: [] });
    return settled.ok ? undefined : { kind: 'storage-error', code: settled.error.code };
  }
  const sent = await send(items, o);
  if (sent.kind === 'retry') {
    if (done.length > 0) await o.store.settleUploads({ done, dead: [] });
    return { ...sent, ...tally };
  }
  const dead: Omit<DeadLetterRecord, 'createdAt'>[] = [];
  if (sent.kind === 'refused') {
    if (batch.length > 1) {
      // Which item made the server refuse the request? Halve until it is alone; the others go through.
      const mid = Math.ceil(batch.length / 2);
      if (done.length > 0) await o.store.settleUploads({ done, dead: [] });
      const withItems = batch.filter((p) => toUploadItem(p.entry, p.checkin));
      for (const half of [withItems.slice(0, mid), withItems.slice(mid)]) {
        if (half.length === 0) continue;
        const stop = await uploadBatch(half, o, tally);
        if (stop) return stop;
      }
      return undefined;
    }
    for (const item of items) dead.push({ id: item.id, op: item.op, code: sent.code, failedAt: now });
  } else {
    for (const r of sent.results) {
      if (r.status === 'rejected') dead.push({ id: r.id, op: r.op, code: r.code ?? 'REJECTED', failedAt: now });
      else done.push([r.id, r.op]);
    }
  }
  const settled = await o.store.settleUploads({ done, dead });
  if (!settled.ok) return { kind: 'storage-error', code: settled.error.code };
  tally.uploaded += done.length;
  tally.deadLettered += dead.length;
  return undefined;
}

/** Upload the whole outbox, batch after batch, until it is empty or a retryable failure stops us. */
export async function uploadOutbox(o: UploadOptions): Promise<UploadOutcome> {
  const tally: Tally = { uploaded: 0, deadLettered: 0 };
  const size = Math.min(MAX_BATCH, Math.max(1, o.batchSize ?? MAX_BATCH));
  let requests = 0;
  for (;;) {
    const pending = await o.store.pendingUploads(size);
    if (!pending.ok) return { kind: 'storage-error', code: pending.error.code };
    if (pending.value.length === 0) return { kind: 'done', ...tally };
    for (const request of planUploadRequests(pending.value, (p) => p.entry.id)) {
      // The first request goes at once (the visit just recorded counts in the venue's occupancy now); each later
      // one waits, so a phone's requests do not leave back to back.
      if (requests++ > 0)
        await (o.pause ?? sleep)(uploadPauseMs((o.random ?? Math.random)(), o.spreadMs ?? UPLOAD_SPREAD_MS));
      if (o.signal?.aborted) return { kind: 'retry', code: 'NETWORK_UNAVAILABLE', detail: 'aborted', ...tally };
      const stop = await uploadBatch(request, o, tally);
      if (stop) return stop;
    }
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
