/**
 * Root rotation on the phone. The build pins root 1 (or whichever root it was built with: trust.ts); later
 * roots arrive from `GET /v1/roots` as signed envelopes and are accepted only through core's walkRootChain
 * (root N+1 signed by a threshold of root N AND of itself, version exactly N+1, at most MAX_ROOT_CHAIN per
 * walk). Accepted envelopes are stored (meta 'roots') and walked again from the built-in anchor at every
 * start, so the stored text, not a stored verdict, is the source of truth.
 */
import type { TrustAnchor } from '../core/bundle';
import type { ErrorCode } from '../core/errors';
import { walkRootChain } from '../core/root';
import type { Store, StoreErrorCode } from '../store';
import { readCapped, type SyncErrorCode } from './bundle-pull';
import { fetchWithTimeout } from './fetch-with-timeout';

export const ROOTS_URL = '/v1/roots';
/** Byte cap on the whole /v1/roots answer, checked while reading (one root with 16 keys is ~3 KB). */
export const MAX_ROOTS_BYTES = 262_144;

export interface CurrentRoot {
  /** The anchor bundles are verified with: the built-in one, advanced by the accepted rotations. */
  readonly anchor: TrustAnchor;
  /** The stored envelopes beyond the built-in root that walked, oldest first. */
  readonly chain: readonly string[];
  /** The stored chain did not walk (damaged storage, or a build that rejects it): the built-in anchor is used. */
  readonly storedError?: ErrorCode;
}

export type RootsOutcome =
  | { readonly kind: 'updated'; readonly version: number }
  | { readonly kind: 'unchanged' }
  /** No network, timeout, HTTP error (an older server without /v1/roots too): the current root stays. */
  | { readonly kind: 'unreachable'; readonly code: SyncErrorCode; readonly detail?: string }
  /** The chain was refused (bad signature, version gap, too long, too large…): shown in settings. */
  | { readonly kind: 'rejected'; readonly code: ErrorCode }
  | { readonly kind: 'storage-error'; readonly code: StoreErrorCode };

type RootsStore = Pick<Store, 'loadRoots' | 'saveRoots'>;

/**
 * The current root: walk the stored chain from the built-in anchor. If the stored chain does not walk, fall
 * back to the built-in anchor and say why (`storedError`); the next successful roots pull replaces it.
 */
export async function loadCurrentRoot(
  store: Pick<Store, 'loadRoots'>,
  builtIn: TrustAnchor,
): Promise<{ ok: true; value: CurrentRoot } | { ok: false; code: StoreErrorCode }> {
  const stored = await store.loadRoots();
  if (!stored.ok) return { ok: false, code: stored.error.code };
  if (stored.value.length === 0) return { ok: true, value: { anchor: builtIn, chain: [] } };
  const walked = walkRootChain(builtIn, stored.value);
  if (!walked.ok) return { ok: true, value: { anchor: builtIn, chain: [], storedError: walked.error.code } };
  return { ok: true, value: { anchor: walked.value.anchor, chain: walked.value.accepted } };
}

export interface RootsPullOptions {
  readonly store: RootsStore;
  readonly builtIn: TrustAnchor;
  readonly fetch?: typeof fetch;
  readonly url?: string;
  readonly timeoutMs?: number;
  readonly maxBytes?: number;
}

export interface RootsPullResult {
  readonly outcome: RootsOutcome;
  /** The root to verify bundles with after this step (unchanged unless `outcome.kind === 'updated'`). */
  readonly root: CurrentRoot;
}

/** The response must be a JSON array of envelope strings (server/README.md); anything else is refused. */
function parseRootList(text: string): readonly string[] | undefined {
  try {
    const json: unknown = JSON.parse(text);
    return Array.isArray(json) && json.every((x) => typeof x === 'string') ? json : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Fetch /v1/roots, walk it from the current root, and store the longer chain before returning, so the
 * bundle step that follows (and the next start) verify with the new root. A refused chain changes nothing:
 * a broken or hostile chain can delay a rotation but never install a root.
 */
export async function pullRoots(o: RootsPullOptions): Promise<RootsPullResult> {
  const loaded = await loadCurrentRoot(o.store, o.builtIn);
  if (!loaded.ok)
    return { outcome: { kind: 'storage-error', code: loaded.code }, root: { anchor: o.builtIn, chain: [] } };
  const current = loaded.value;

  let res: Response;
  let body: Awaited<ReturnType<typeof readCapped>> | undefined;
  try {
    ({ res, body } = await fetchWithTimeout(
      o.fetch ?? fetch,
      o.url ?? ROOTS_URL,
      { headers: { accept: 'application/json' }, cache: 'no-store' },
      o.timeoutMs ?? 15_000,
      async (r) => ({ res: r, body: r.ok ? await readCapped(r, o.maxBytes ?? MAX_ROOTS_BYTES) : undefined }),
    ));
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    return { outcome: { kind: 'unreachable', code: 'NETWORK_UNAVAILABLE', detail }, root: current };
  }
  if (!res.ok || !body) {
    return { outcome: { kind: 'unreachable', code: 'SERVER_ERROR', detail: `HTTP ${res.status}` }, root: current };
  }
  if (!body.ok) return { outcome: { kind: 'rejected', code: body.code }, root: current };
  const list = parseRootList(body.text);
  if (!list) return { outcome: { kind: 'rejected', code: 'PAYLOAD_INVALID' }, root: current };

  const walked = walkRootChain(current.anchor, list);
  if (!walked.ok) return { outcome: { kind: 'rejected', code: walked.error.code }, root: current };
  const accepted = walked.value.accepted;
  if (accepted.length === 0) {
    // Nothing new. A stored chain that failed to walk is dropped, so its error does not outlive this check.
    if (current.storedError) {
      const cleared = await o.store.saveRoots([]);
      if (!cleared.ok) return { outcome: { kind: 'storage-error', code: cleared.error.code }, root: current };
      return { outcome: { kind: 'unchanged' }, root: { anchor: current.anchor, chain: [] } };
    }
    return { outcome: { kind: 'unchanged' }, root: current };
  }
  const root: CurrentRoot = { anchor: walked.value.anchor, chain: [...current.chain, ...accepted] };
  const saved = await o.store.saveRoots(root.chain);
  // Not stored: still verified, so use it for this session; the next start walks the old chain again.
  if (!saved.ok) return { outcome: { kind: 'storage-error', code: saved.error.code }, root };
  return { outcome: { kind: 'updated', version: walked.value.anchor.version ?? 1 }, root };
}
