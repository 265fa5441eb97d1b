/**
 * What the phone trusts, in `meta`: the signed bundle (with the trusted-time high-water mark and when the server
 * last confirmed it) and the accepted root rotations. The store only keeps them — acceptance (signatures,
 * rollback, expiry, the root chain walk) is core's, run by src/sync before anything is saved here.
 */
import type { UnixSeconds } from '../core/schema';
import type { StoreContext } from './context';
import { type Problem, problemOf } from './quarantine';
import { checkMeta } from './records';
import { ok, type QuarantinedItem, type StoreResult } from './result';
import type { BundleRecord, MetaKey, MetaValues } from './schema';

export interface StoredBundleState {
  readonly bundle?: BundleRecord;
  readonly trustedTime: UnixSeconds;
  readonly checkedAt?: UnixSeconds;
  /** Present only when a meta record failed its check (and was quarantined) during this load. */
  readonly quarantined?: readonly QuarantinedItem[];
}

export interface TrustRepo {
  /** The stored bundle, trusted time (0 before any) and last check; a corrupt one reads as absent (quarantined). */
  loadBundle(): Promise<StoreResult<StoredBundleState>>;
  /**
   * Store a verified, accepted bundle and raise trustedTime to max(old, issuedAt, raiseTrustedTimeTo) in one
   * durable transaction. A bundle not newer than the stored one under the same root is not written (another
   * tab may have won the race since the caller's check): `saved: false`, nothing changes. A bundle under a
   * newer root (`rootVersion`) replaces one under an older root whatever the versions (rotation resets the
   * high-water mark); one under an older root never replaces a newer root's. A stored bundle or trusted time
   * that fails its check is quarantined first (counts as absent).
   */
  saveBundle(
    bundle: BundleRecord,
    now: UnixSeconds,
    raiseTrustedTimeTo?: UnixSeconds,
  ): Promise<StoreResult<{ saved: boolean }>>;
  /**
   * The server confirmed our bundle is current (304, or the same version): remember when, and its ETag; raise
   * trustedTime to `raiseTrustedTimeTo` if that is higher (never lowers it).
   */
  markBundleChecked(now: UnixSeconds, etag?: string, raiseTrustedTimeTo?: UnixSeconds): Promise<StoreResult<void>>;
  /** The accepted root envelopes, oldest first ([] before any rotation; a corrupt chain is quarantined → []). */
  loadRoots(): Promise<StoreResult<readonly string[]>>;
  /**
   * Replace the stored chain with `chain` (the caller walked it from the built-in anchor, under the sync's
   * cross-tab lock), in one durable transaction.
   */
  saveRoots(chain: readonly string[]): Promise<StoreResult<void>>;
}

export function createTrustRepo(ctx: StoreContext): TrustRepo {
  const { run, quarantine, metaInTx, report } = ctx;

  async function loadBundle(): Promise<StoreResult<StoredBundleState>> {
    const r = await run(['meta'], 'readonly', async (tx) => {
      const meta = tx.objectStore('meta');
      const keys = ['bundle', 'trustedTime', 'bundleCheckedAt'] as const;
      const values = await Promise.all(keys.map((k) => meta.get(k)));
      const problems: Problem[] = [];
      const read = <K extends MetaKey>(key: K, value: unknown): MetaValues[K] | undefined => {
        if (value === undefined) return undefined;
        const c = checkMeta(key, value);
        if (c.ok) return c.value;
        problems.push(problemOf('meta', key, c));
        return undefined;
      };
      return {
        bundle: read('bundle', values[0]),
        trustedTime: read('trustedTime', values[1]),
        checkedAt: read('bundleCheckedAt', values[2]),
        problems,
      };
    });
    if (!r.ok) return r;
    const { bundle, trustedTime, checkedAt, problems } = r.value;
    const quarantined = await quarantine(problems);
    return ok({
      ...(bundle ? { bundle } : {}),
      trustedTime: trustedTime ?? 0,
      ...(checkedAt !== undefined ? { checkedAt } : {}),
      ...(quarantined.length > 0 ? { quarantined } : {}),
    });
  }

  async function saveBundle(
    bundle: BundleRecord,
    now: UnixSeconds,
    raiseTrustedTimeTo?: UnixSeconds,
  ): Promise<StoreResult<{ saved: boolean }>> {
    const moved: QuarantinedItem[] = [];
    const r = await run(
      ['meta', 'quarantine'],
      'readwrite',
      async (tx) => {
        const meta = tx.objectStore('meta');
        const current = await metaInTx(tx, 'bundle', moved);
        const trusted = (await metaInTx(tx, 'trustedTime', moved)) ?? 0;
        if (current) {
          const currentRoot = current.rootVersion ?? 1;
          const incomingRoot = bundle.rootVersion ?? 1;
          if (currentRoot > incomingRoot) return { saved: false };
          if (currentRoot === incomingRoot && current.version >= bundle.version) return { saved: false };
        }
        await meta.put(bundle, 'bundle');
        await meta.put(Math.max(trusted, bundle.issuedAt, raiseTrustedTimeTo ?? 0), 'trustedTime');
        await meta.put(now, 'bundleCheckedAt');
        return { saved: true };
      },
      'strict',
    );
    if (r.ok) report(moved);
    return r;
  }

  async function markBundleChecked(
    now: UnixSeconds,
    etag?: string,
    raiseTrustedTimeTo?: UnixSeconds,
  ): Promise<StoreResult<void>> {
    const moved: QuarantinedItem[] = [];
    const r = await run(['meta', 'quarantine'], 'readwrite', async (tx) => {
      const meta = tx.objectStore('meta');
      await meta.put(now, 'bundleCheckedAt');
      if (etag !== undefined) {
        const current = await metaInTx(tx, 'bundle', moved);
        if (current && current.etag !== etag) await meta.put({ ...current, etag }, 'bundle');
      }
      if (raiseTrustedTimeTo !== undefined) {
        const trusted = (await metaInTx(tx, 'trustedTime', moved)) ?? 0;
        if (raiseTrustedTimeTo > trusted) await meta.put(raiseTrustedTimeTo, 'trustedTime');
      }
    });
    if (r.ok) report(moved);
    return r;
  }

  async function loadRoots(): Promise<StoreResult<readonly string[]>> {
    const r = await run(['meta'], 'readonly', async (tx) => {
      const roots: unknown = await tx.objectStore('meta').get('roots');
      if (roots === undefined) return { roots: [] as readonly string[], problems: [] };
      const c = checkMeta('roots', roots);
      return c.ok ? { roots: c.value, problems: [] } : { roots: [], problems: [problemOf('meta', 'roots', c)] };
    });
    if (!r.ok) return r;
    await quarantine(r.value.problems);
    return ok(r.value.roots);
  }

  async function saveRoots(chain: readonly string[]): Promise<StoreResult<void>> {
    return run(
      ['meta'],
      'readwrite',
      async (tx) => {
        await tx.objectStore('meta').put([...chain], 'roots');
      },
      'strict',
    );
  }

  return { loadBundle, saveBundle, markBundleChecked, loadRoots, saveRoots };
}
