/**
 * The page's state: what the store holds (certificates, check-ins, bundle) plus connection and sync status,
 * as one immutable snapshot that screens subscribe to. Every store call returns a value; failures become
 * `storageError` for a banner, never an exception.
 */
import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { SignedCertificate } from '../core/certificate';
import type { UnixSeconds } from '../core/schema';
import type { SignedVenue } from '../core/venue';
import {
  type CertificateRecord,
  type CheckInRecord,
  createStore,
  type ExportFile,
  type ImportSummary,
  type QuarantinedItem,
  type Store,
  type StoredCertificate,
  type StoreErrorCode,
  type StoreEvent,
  type StoreResult,
} from '../store';
import { type CurrentBundle, loadCurrentBundle, nowSeconds, type PullOutcome } from '../sync/bundle-pull';
import { type CurrentRoot, loadCurrentRoot, type RootsOutcome } from '../sync/roots';
import { builtInAnchor } from '../sync/trust';
import { startTrustSync, syncTrust, type TrustSyncOptions, type TrustSyncResult } from '../sync/trust-sync';

export interface AppSnapshot {
  readonly ready: boolean;
  /** The root bundles are verified with: built in, advanced by accepted rotations (and why not, if the stored chain failed). */
  readonly root: CurrentRoot;
  readonly bundle: CurrentBundle;
  readonly certificates: readonly StoredCertificate[];
  /** Certificates the user deleted (restorable for 30 days), most recently deleted first. */
  readonly recycleBin: readonly StoredCertificate[];
  readonly unreadable: readonly QuarantinedItem[];
  readonly checkins: readonly CheckInRecord[];
  readonly lastPull?: PullOutcome;
  /** The roots step of the last sync (a refused chain is shown in settings). */
  readonly lastRoots?: RootsOutcome;
  readonly pulling: boolean;
  readonly storageEvent?: StoreEvent;
  readonly storageError?: StoreErrorCode;
  /** navigator.storage.persist() result after the first import; undefined before asking. */
  readonly persisted?: boolean;
}

export class AppModel {
  readonly store: Store;
  private snapshot: AppSnapshot = {
    ready: false,
    root: { anchor: builtInAnchor(), chain: [] },
    bundle: { trustedTime: 0 },
    certificates: [],
    recycleBin: [],
    unreadable: [],
    checkins: [],
    pulling: false,
  };
  private readonly listeners = new Set<(s: AppSnapshot) => void>();
  private stopSync?: () => void;
  private stopExternal?: () => void;
  private retentionTimer?: ReturnType<typeof setInterval>;
  private lastRetention = 0;

  constructor(store?: Store) {
    this.store = store ?? createStore({ onEvent: (e) => this.set({ storageEvent: e }) });
  }

  get(): AppSnapshot {
    return this.snapshot;
  }

  subscribe(listener: (s: AppSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(patch: Partial<AppSnapshot>) {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const l of this.listeners) l(this.snapshot);
  }

  /** Note a failed store call for the banner, and pass the result through. */
  private note<T>(r: StoreResult<T>): StoreResult<T> {
    if (!r.ok && r.error.code !== 'CHECKIN_NOT_FOUND') this.set({ storageError: r.error.code });
    return r;
  }

  async start(): Promise<void> {
    // The root first: the stored bundle is verified with it.
    await this.refreshRoot();
    await Promise.all([this.refreshBundle(), this.refreshCertificates(), this.refreshCheckIns()]);
    this.set({ ready: true });
    this.followOtherTabs();
    void this.runRetention();
    // Daily while open: checked hourly, so a phone that slept through the day still purges on waking.
    this.retentionTimer = setInterval(() => {
      if (nowSeconds() - this.lastRetention >= RETENTION_INTERVAL) void this.runRetention();
    }, 3_600_000);
    this.stopSync = startTrustSync({
      ...this.syncOptions(),
      onResult: (result) => this.afterSync(result),
      onError: () => this.afterSync(undefined),
    });
    void this.checkPersisted();
  }

  stop(): void {
    this.stopSync?.();
    this.stopExternal?.();
    if (this.retentionTimer !== undefined) clearInterval(this.retentionTimer);
    this.store.close();
  }

  /** Another tab wrote: re-read what it changed (the write itself happened once, there). Called by start(). */
  followOtherTabs(): void {
    this.stopExternal ??= this.store.onExternalChange((stores) => void this.onExternal(stores));
  }

  private async onExternal(stores: readonly string[]) {
    const jobs: Promise<void>[] = [];
    if (stores.includes('certificates')) jobs.push(this.refreshCertificates());
    if (stores.includes('checkins')) jobs.push(this.refreshCheckIns());
    if (stores.includes('meta')) jobs.push(this.refreshRoot().then(() => this.refreshBundle()));
    await Promise.all(jobs);
  }

  private syncOptions(): TrustSyncOptions {
    return {
      store: this.store,
      builtIn: builtInAnchor(),
      // A newer root was stored: re-verify the stored bundle with it at once (it may now be invalid, and
      // every decision CANNOT_VERIFY) instead of deciding with the old root's bundle until the sync ends.
      onRoot: async (root) => {
        this.set({ root });
        await this.refreshBundle();
      },
    };
  }

  /** Rebuild the current root from the stored chain; on a storage failure, the built-in root. */
  async refreshRoot(): Promise<void> {
    const r = await loadCurrentRoot(this.store, builtInAnchor());
    if (r.ok) this.set({ root: r.value });
    else this.set({ root: { anchor: builtInAnchor(), chain: [] }, storageError: r.code });
  }

  async refreshBundle(): Promise<void> {
    const r = await loadCurrentBundle(this.store, this.snapshot.root.anchor);
    if (r.ok) this.set({ bundle: r.value });
    else this.set({ storageError: r.code });
  }

  async refreshCertificates(): Promise<void> {
    const [r, bin] = await Promise.all([this.store.listCertificates(), this.store.listRecycleBin()]);
    this.note(r);
    this.note(bin);
    if (r.ok) this.set({ certificates: r.value.certificates, unreadable: r.value.quarantined });
    if (bin.ok) this.set({ recycleBin: bin.value.certificates });
  }

  async refreshCheckIns(): Promise<void> {
    const r = this.note(await this.store.listCheckIns());
    if (r.ok) this.set({ checkins: r.value.items });
  }

  private async afterSync(result: TrustSyncResult | undefined) {
    if (!result) {
      this.set({ lastPull: { kind: 'unreachable', code: 'NETWORK_UNAVAILABLE' }, pulling: false });
      return;
    }
    this.set({ root: result.root, lastRoots: result.roots, lastPull: result.bundle, pulling: false });
    for (const step of [result.roots, result.bundle])
      if (step.kind === 'storage-error') this.set({ storageError: step.code });
    await this.refreshBundle();
  }

  /** "Check for updates" in settings: roots, then bundle. */
  async pullNow(): Promise<void> {
    this.set({ pulling: true });
    const result = await syncTrust(this.syncOptions()).catch(() => undefined);
    await this.afterSync(result);
  }

  /**
   * Retention, at start and daily: visits older than the bundle's retentionDays (21 before any bundle), and
   * certificates in the recycle bin for more than 30 days, are deleted.
   */
  async runRetention(now: UnixSeconds = nowSeconds()): Promise<void> {
    this.lastRetention = now;
    const days = this.snapshot.bundle.bundle?.payload.policy.retentionDays ?? DEFAULT_RETENTION_DAYS;
    const visits = this.note(await this.store.purgeCheckIns(now, days));
    if (visits.ok && visits.value > 0) await this.refreshCheckIns();
    const bin = this.note(await this.store.purgeRecycleBin(now));
    if (bin.ok && bin.value > 0) await this.refreshCertificates();
  }

  async saveCertificate(
    signed: SignedCertificate,
  ): Promise<StoreResult<{ record: CertificateRecord; alreadySaved: boolean }>> {
    const first = this.snapshot.certificates.length === 0;
    const r = this.note(await this.store.saveCertificate(signed, nowSeconds()));
    if (r.ok) {
      await this.refreshCertificates();
      if (first && !r.value.alreadySaved) void this.requestPersistence();
    }
    return r;
  }

  /** Move a certificate to the recycle bin. */
  async deleteCertificate(contentId: string): Promise<StoreResult<CertificateRecord>> {
    const r = this.note(await this.store.deleteCertificate(contentId, nowSeconds()));
    await this.refreshCertificates();
    return r;
  }

  /** Take a certificate out of the recycle bin. */
  async restoreCertificate(contentId: string): Promise<StoreResult<CertificateRecord>> {
    const r = this.note(await this.store.restoreCertificate(contentId));
    await this.refreshCertificates();
    return r;
  }

  /** Everything the user owns, for "Export my data" (errors are returned, not put in the banner). */
  exportData(): Promise<StoreResult<ExportFile>> {
    return this.store.exportAll(nowSeconds());
  }

  /** Import an export file's text: all or nothing (the error code is returned for the settings screen). */
  async importData(text: string): Promise<StoreResult<ImportSummary>> {
    const first = this.snapshot.certificates.length === 0;
    const r = await this.store.importAll(text, nowSeconds());
    if (r.ok) {
      await Promise.all([this.refreshCertificates(), this.refreshCheckIns()]);
      if (first && r.value.certificates > 0) void this.requestPersistence();
    }
    return r;
  }

  async checkIn(venue: SignedVenue, people: readonly string[], now: UnixSeconds): Promise<StoreResult<CheckInRecord>> {
    const r = this.note(await this.store.checkIn({ venue, people, now }));
    if (r.ok) await this.refreshCheckIns();
    return r;
  }

  async checkOut(id: string): Promise<StoreResult<CheckInRecord>> {
    const r = this.note(await this.store.checkOut(id, nowSeconds()));
    await this.refreshCheckIns();
    return r;
  }

  dismissStorageError(): void {
    this.set({ storageError: undefined });
  }

  private async checkPersisted() {
    if (!navigator.storage?.persisted) return;
    try {
      if (await navigator.storage.persisted()) this.set({ persisted: true });
    } catch {
      // unknown
    }
  }

  /** Ask once there is something worth keeping (the first certificate); show the answer in settings. */
  private async requestPersistence() {
    if (this.snapshot.persisted || !navigator.storage?.persist) return;
    try {
      this.set({ persisted: await navigator.storage.persist() });
    } catch {
      this.set({ persisted: false });
    }
  }
}

const DEFAULT_RETENTION_DAYS = 21;
const RETENTION_INTERVAL = 86_400;

export const ModelContext = createContext<AppModel | undefined>(undefined);

export function useModel(): AppModel {
  const model = useContext(ModelContext);
  if (!model) throw new Error('useModel outside <ModelContext.Provider>');
  return model;
}

/** The current snapshot; re-renders on every change. */
export function useApp(): AppSnapshot {
  const model = useModel();
  const [snap, setSnap] = useState(model.get());
  useEffect(() => {
    setSnap(model.get());
    return model.subscribe(setSnap);
  }, [model]);
  return snap;
}

/** Unix seconds, refreshed every `periodMs` (for ages, active check-ins, live clocks). */
export function useNow(periodMs = 30_000): UnixSeconds {
  const [now, setNow] = useState(nowSeconds);
  useEffect(() => {
    const id = setInterval(() => setNow(nowSeconds()), periodMs);
    return () => clearInterval(id);
  }, [periodMs]);
  return now;
}
