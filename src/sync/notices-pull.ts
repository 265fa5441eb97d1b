/**
 * Pulling exposure notices: `GET /v1/notices?after=SEQ` page by page from the last sequence number seen, with
 * If-None-Match so an unchanged feed costs a 304. Every notice is verified (core `verifyNotice`: shape, window,
 * a `notices` key of the **current verified bundle**) before it touches the store; then it is matched against
 * the visits on this phone (core exposure.ts) and the matches and the new feed position are written in one
 * durable transaction. The history never leaves the phone.
 *
 * A notice that fails verification is skipped — except when its key is unknown or not valid yet: then our
 * bundle is probably older than the notice, so the feed stops **before** it (the position does not move past
 * it) and the next sync, after the bundle update, reads it again.
 */
import type { VerifiedBundle } from '../core/bundle';
import type { ErrorCode } from '../core/errors';
import { type ExposureMatch, matchExposures } from '../core/exposure';
import { type Notice, verifyNotice } from '../core/notice';
import type { UnixSeconds } from '../core/schema';
import type { Store } from '../store';
import type { ExposureRecord } from '../store/sync-state';
import { readCapped, type SyncErrorCode } from './bundle-pull';
import { fetchWithTimeout } from './fetch-with-timeout';

export const NOTICES_URL = '/v1/notices';
const PAGE_LIMIT = 500;
/** A page of 500 notices is ~100 KiB; anything far larger is refused while reading. */
const MAX_PAGE_BYTES = 1024 * 1024;
/** Pages per sync: a phone that was away for long catches up over a few syncs, not in one endless one. */
const MAX_PAGES = 20;

export type NoticesOutcome =
  | {
      readonly kind: 'updated' | 'unchanged';
      /** Matches written by this pull (new ones only). */
      readonly added: readonly ExposureRecord[];
      /** Notices skipped because they failed verification (with the first code). */
      readonly skipped: number;
      readonly skippedCode?: ErrorCode;
      readonly after: number;
    }
  | {
      readonly kind: 'unreachable';
      readonly code: SyncErrorCode;
      readonly detail?: string;
      readonly retryAfter?: string;
    }
  /** No verified bundle yet: there is no key to check notices with, so none are read. */
  | { readonly kind: 'no-bundle' }
  | { readonly kind: 'storage-error'; readonly code: string };

export type NoticesStore = Pick<Store, 'loadSync' | 'recordNotices' | 'listCheckIns'>;

export interface NoticesOptions {
  readonly store: NoticesStore;
  readonly bundle: VerifiedBundle | undefined;
  readonly fetch?: typeof fetch;
  readonly url?: string;
  readonly now: () => UnixSeconds;
  readonly timeoutMs?: number;
}

interface Page {
  readonly notices: readonly unknown[];
  readonly next: number;
  readonly more: boolean;
}

function parsePage(text: string, after: number): Page | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!json || typeof json !== 'object') return undefined;
  const { notices, next, more } = json as Record<string, unknown>;
  if (!Array.isArray(notices) || typeof more !== 'boolean') return undefined;
  // `next` never goes backwards: a server (or proxy) replaying an old page cannot rewind us.
  if (typeof next !== 'number' || !Number.isSafeInteger(next) || next < after) return undefined;
  return { notices, next, more };
}

/** Key problems that a newer bundle may fix: stop before such a notice instead of skipping it for good. */
const WAIT_FOR_BUNDLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['KEY_UNKNOWN', 'KEY_NOT_VALID_NOW']);

export async function pullNotices(o: NoticesOptions): Promise<NoticesOutcome> {
  if (!o.bundle) return { kind: 'no-bundle' };
  const bundle = o.bundle.payload;
  const loaded = await o.store.loadSync();
  if (!loaded.ok) return { kind: 'storage-error', code: loaded.error.code };
  let after = loaded.value.state.noticesAfter;
  let etag = loaded.value.state.noticesEtag;
  const added: ExposureRecord[] = [];
  let skipped = 0;
  let skippedCode: ErrorCode | undefined;
  let changed = false;

  for (let page = 0; page < MAX_PAGES; page++) {
    const url = `${o.url ?? NOTICES_URL}?after=${after}&limit=${PAGE_LIMIT}`;
    let res: Response;
    let body: Awaited<ReturnType<typeof readCapped>> | undefined;
    try {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (etag) headers['if-none-match'] = etag;
      ({ res, body } = await fetchWithTimeout(
        o.fetch ?? fetch,
        url,
        { headers, cache: 'no-store' },
        o.timeoutMs ?? 20_000,
        async (r) => {
          if (r.status === 200) return { res: r, body: await readCapped(r, MAX_PAGE_BYTES) };
          await r.body?.cancel().catch(() => {});
          return { res: r, body: undefined };
        },
      ));
    } catch (e) {
      return { kind: 'unreachable', code: 'NETWORK_UNAVAILABLE', detail: e instanceof Error ? e.message : String(e) };
    }
    if (res.status === 304) break;
    if (res.status !== 200 || !body?.ok) {
      const retryAfter = res.headers.get('retry-after') ?? undefined;
      return {
        kind: 'unreachable',
        code: res.status === 429 ? 'RATE_LIMITED' : 'SERVER_ERROR',
        detail: `HTTP ${res.status}`,
        ...(retryAfter !== undefined ? { retryAfter } : {}),
      };
    }
    const parsed = parsePage(body.text, after);
    if (!parsed) return { kind: 'unreachable', code: 'SERVER_ERROR', detail: 'unexpected notices page' };

    const verified: Notice[] = [];
    let stopAt: number | undefined;
    for (const wire of parsed.notices) {
      const r = verifyNotice(bundle, wire);
      if (r.ok) {
        if (r.value.seq > after) verified.push(r.value);
        continue;
      }
      if (WAIT_FOR_BUNDLE.has(r.error.code)) {
        const seq = (wire as { seq?: unknown } | null)?.seq;
        if (typeof seq === 'number' && Number.isSafeInteger(seq) && seq > after) {
          stopAt = seq;
          skippedCode ??= r.error.code;
          break;
        }
      }
      skipped++;
      skippedCode ??= r.error.code;
    }
    // Stopping before a notice we may read later: the position moves only up to the notice before it.
    const position =
      stopAt === undefined ? parsed.next : Math.max(after, ...verified.filter((n) => n.seq < stopAt).map((n) => n.seq));
    const usable = stopAt === undefined ? verified : verified.filter((n) => n.seq < stopAt);

    const matches = usable.length > 0 ? await matchAgainstHistory(o.store, usable) : { ok: true as const, value: [] };
    if (!matches.ok) return { kind: 'storage-error', code: matches.code };
    const lastPage = !parsed.more || stopAt !== undefined;
    const nextEtag = lastPage && stopAt === undefined ? (res.headers.get('etag') ?? undefined) : undefined;
    if (matches.value.length === 0 && position === after && nextEtag === etag) break; // nothing to write
    const recorded = await o.store.recordNotices({
      matches: matches.value,
      now: o.now(),
      patch: { noticesAfter: position, noticesEtag: nextEtag },
    });
    if (!recorded.ok) return { kind: 'storage-error', code: recorded.error.code };
    added.push(...recorded.value);
    if (position !== after || usable.length > 0) changed = true;
    after = position;
    etag = nextEtag;
    if (lastPage) break;
  }
  return {
    kind: changed ? 'updated' : 'unchanged',
    added,
    skipped,
    ...(skippedCode !== undefined ? { skippedCode } : {}),
    after,
  };
}

async function matchAgainstHistory(
  store: NoticesStore,
  notices: readonly Notice[],
): Promise<{ ok: true; value: (ExposureMatch & { venueName?: string })[] } | { ok: false; code: string }> {
  const history = await store.listCheckIns();
  if (!history.ok) return { ok: false, code: history.error.code };
  const names = new Map(history.value.items.map((c) => [c.id, c.venueName]));
  return {
    ok: true,
    value: matchExposures(notices, history.value.items).map((m) => ({ ...m, venueName: names.get(m.checkInId) })),
  };
}
