/**
 * Pulling exposure notices by province and day (core notice-files.ts): for every province this phone has a stored
 * visit in, the files from the day of its oldest visit there up to today — never a province it did not visit, so
 * the server learns the provinces, not the venues (docs/SECURITY.md). A day comes in parts of NOTICES_PER_PART,
 * read from the first until one is not full. Each part is requested with the default HTTP cache mode: a part the
 * server marked final (`immutable`: full, or of a closed day) comes from the browser's cache without a request, the
 * open one is revalidated with its ETag and costs a 304 when unchanged.
 *
 * Every sync matches every file's notices against the whole history, so a visit added since a file was read (an
 * import, a backdated entry) is matched as well. Only the notices that name a visited venue are verified (core
 * `verifyNotice`: shape, window, a `notices` key of the **current verified bundle**) — the others cannot match —
 * and one that fails is skipped this time and read again at the next sync, after a bundle update may have brought
 * its key. Matches are written in one durable transaction; the history never leaves the phone.
 */
import type { VerifiedBundle } from '../core/bundle';
import type { ErrorCode } from '../core/errors';
import { type ExposureMatch, matchExposures } from '../core/exposure';
import { claimedVenueId, type Notice, verifyNotice } from '../core/notice';
import {
  dayOf,
  formatDay,
  NOTICES_PER_PART,
  type NoticeFileRef,
  noticeFilePath,
  noticeFilesFor,
} from '../core/notice-files';
import type { UnixSeconds } from '../core/schema';
import { decodeVenue } from '../core/venue';
import type { Store } from '../store';
import type { CheckInRecord } from '../store/schema';
import type { ExposureRecord } from '../store/sync-state';
import { readCapped, type SyncErrorCode } from './bundle-pull';
import { fetchWithTimeout } from './fetch-with-timeout';

/** A part holds NOTICES_PER_PART notices of ≤ 1 KiB; anything far larger is refused while reading. */
const MAX_FILE_BYTES = 64 * 1024;
/** Parts per sync: a phone that visited many provinces catches up over a few syncs, never in one endless one. */
const MAX_FILES = 256;
/** Days read past today while the last one read is final: a phone clock behind the server's still finds today. */
const MAX_DAYS_AHEAD = 2;

export type NoticesOutcome =
  | {
      readonly kind: 'updated' | 'unchanged';
      /** Matches written by this pull (new ones only). */
      readonly added: readonly ExposureRecord[];
      /** Notices naming a visited venue that failed verification (with the first code). */
      readonly skipped: number;
      readonly skippedCode?: ErrorCode;
      /** The parts read (from the network or the browser's cache). */
      readonly files: number;
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

export type NoticesStore = Pick<Store, 'recordNotices' | 'listCheckIns'>;

export interface NoticesOptions {
  readonly store: NoticesStore;
  readonly bundle: VerifiedBundle | undefined;
  readonly fetch?: typeof fetch;
  /** Base URL of the server ('' = same origin). */
  readonly origin?: string;
  readonly now: () => UnixSeconds;
  readonly timeoutMs?: number;
}

type FileRead =
  | { readonly ok: true; readonly notices: readonly unknown[]; readonly final: boolean }
  | Extract<NoticesOutcome, { kind: 'unreachable' }>;

/** `{"province", "day", "part", "notices": [...]}` naming the part asked for, else undefined. */
function parseFile(text: string, file: NoticeFileRef, part: number): readonly unknown[] | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!json || typeof json !== 'object') return undefined;
  const { province, day, part: named, notices } = json as Record<string, unknown>;
  // A file under another name (a mixed-up cache or CDN mapping) is refused, not matched as if it were this one.
  if (province !== file.province || day !== formatDay(file.day) || named !== part) return undefined;
  return Array.isArray(notices) && notices.length <= NOTICES_PER_PART ? notices : undefined;
}

async function readFile(o: NoticesOptions, file: NoticeFileRef, part: number): Promise<FileRead> {
  let res: Response;
  let body: Awaited<ReturnType<typeof readCapped>> | undefined;
  try {
    ({ res, body } = await fetchWithTimeout(
      o.fetch ?? fetch,
      `${o.origin ?? ''}${noticeFilePath(file.province, file.day, part)}`,
      // The HTTP cache does the conditional requests: a final day is served from it, the others revalidated.
      { headers: { accept: 'application/json' }, cache: 'default' },
      o.timeoutMs ?? 20_000,
      async (r) => {
        if (r.status === 200) return { res: r, body: await readCapped(r, MAX_FILE_BYTES) };
        await r.body?.cancel().catch(() => {});
        return { res: r, body: undefined };
      },
    ));
  } catch (e) {
    return { kind: 'unreachable', code: 'NETWORK_UNAVAILABLE', detail: e instanceof Error ? e.message : String(e) };
  }
  if (res.status !== 200 || !body?.ok) {
    const retryAfter = res.headers.get('retry-after') ?? undefined;
    return {
      kind: 'unreachable',
      code: res.status === 429 ? 'RATE_LIMITED' : 'SERVER_ERROR',
      detail: `HTTP ${res.status}`,
      ...(retryAfter !== undefined ? { retryAfter } : {}),
    };
  }
  const notices = parseFile(body.text, file, part);
  if (!notices) return { kind: 'unreachable', code: 'SERVER_ERROR', detail: 'unexpected notice file' };
  return { ok: true, notices, final: /\bimmutable\b/.test(res.headers.get('cache-control') ?? '') };
}

/** The stored visits with the region of their venue (read from the verified code kept with each visit). */
function visitPlaces(history: readonly CheckInRecord[]) {
  return history.flatMap((c) => {
    const venue = decodeVenue(c.venueCode);
    return venue.ok ? [{ region: venue.value.venue.region, checkedInAt: c.checkedInAt }] : [];
  });
}

export async function pullNotices(o: NoticesOptions): Promise<NoticesOutcome> {
  if (!o.bundle) return { kind: 'no-bundle' };
  const bundle = o.bundle.payload;
  const history = await o.store.listCheckIns();
  if (!history.ok) return { kind: 'storage-error', code: history.error.code };
  const visited = new Set(history.value.items.map((c) => c.venueId));
  const queue = noticeFilesFor(visitPlaces(history.value.items), dayOf(o.now()));
  const today = dayOf(o.now());

  const verified: Notice[] = [];
  let skipped = 0;
  let skippedCode: ErrorCode | undefined;
  let failure: Extract<NoticesOutcome, { kind: 'unreachable' }> | undefined;
  let files = 0;
  let stop = false;
  for (let i = 0; i < queue.length && !stop; i++) {
    const file = queue[i];
    // The day's parts from the first: a full one is followed by another; the last is not full.
    let dayFinal = false;
    for (let part = 0; files < MAX_FILES; part++) {
      const read = await readFile(o, file, part);
      files++;
      if (!('ok' in read)) {
        // One province's trouble does not keep the others' notices from this phone; the sync reports it.
        failure ??= read;
        stop = read.code === 'NETWORK_UNAVAILABLE' || read.code === 'RATE_LIMITED';
        break;
      }
      for (const wire of read.notices) {
        const venueId = claimedVenueId(wire);
        if (venueId === undefined || !visited.has(venueId)) continue;
        const r = verifyNotice(bundle, wire);
        if (r.ok) verified.push(r.value);
        else {
          skipped++;
          skippedCode ??= r.error.code;
        }
      }
      if (read.notices.length < NOTICES_PER_PART) {
        dayFinal = read.final;
        break;
      }
    }
    if (files >= MAX_FILES) break;
    const lastOfProvince = queue[i + 1]?.province !== file.province;
    if (lastOfProvince && dayFinal && file.day < today + MAX_DAYS_AHEAD) {
      queue.splice(i + 1, 0, { province: file.province, day: file.day + 1 });
    }
  }

  const names = new Map(history.value.items.map((c) => [c.id, c.venueName]));
  const matches: (ExposureMatch & { venueName?: string })[] = matchExposures(verified, history.value.items).map(
    (m) => ({ ...m, venueName: names.get(m.checkInId) }),
  );
  let added: ExposureRecord[] = [];
  if (matches.length > 0) {
    const recorded = await o.store.recordNotices({ matches, now: o.now(), patch: {} });
    if (!recorded.ok) return { kind: 'storage-error', code: recorded.error.code };
    added = recorded.value;
  }
  if (failure) return failure;
  return {
    kind: added.length > 0 ? 'updated' : 'unchanged',
    added,
    skipped,
    ...(skippedCode !== undefined ? { skippedCode } : {}),
    files,
  };
}
