/**
 * The page's state: what the store holds (certificates, check-ins, bundle) plus connection and sync status,
 * as one immutable snapshot that screens subscribe to. Every store call returns a value; failures become
 * `storageError` for a banner, never an exception.
 */
import type { HeldCertificate } from '../core/held-certificate';
import type { UnixSeconds } from '../core/schema';
import type { SignedVenue } from '../core/venue';
import {
  type CertificateRecord,
  type CheckInPosition,
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
import { SyncController } from '../sync/sync-controller';
import { SYNC_TAG } from '../sync/sync-run';
import { builtInAnchor } from '../sync/trust';
import { startTrustSync, syncTrust, type TrustSyncOptions, type TrustSyncResult } from '../sync/trust-sync';
import { admitAtDoor } from './door-admission';
import { HISTORY_PAGE, isNewer, positionOf, readHistory } from './history-pages';
import { requestBackgroundSync, showExposureNotification } from './sw-bridge';

export interface AppSnapshot {
  readonly ready: boolean;
  /** The root bundles are verified with: built in, advanced by accepted rotations (and why not, if the stored chain failed). */
  readonly root: CurrentRoot;
  readonly bundle: CurrentBundle;
  readonly certificates: readonly StoredCertificate[];
  /** Certificates the user deleted (restorable for 30 days), most recently deleted first. */
  readonly recycleBin: readonly StoredCertificate[];
  readonly unreadable: readonly QuarantinedItem[];
  /** How many records sit in quarantine (read back damaged, set aside, kept): shown in settings. */
  readonly quarantineCount: number;
  /**
   * The visits read so far, newest first: the newest HISTORY_PAGE, more after each "load more", and always
   * every visit that may still be open (Home and the check-in screen find the active ones here).
   */
  readonly checkins: readonly CheckInRecord[];
  /** Where the next (older) history page begins; absent when every visit is in `checkins`. */
  readonly historyNext?: CheckInPosition;
  readonly lastPull?: PullOutcome;
  /** The server's clock minus the phone's, from the last rules download that carried a `Date` (core rules-cause.ts). */
  readonly serverOffset?: number;
  /** The roots step of the last sync (a refused chain is shown in settings). */
  readonly lastRoots?: RootsOutcome;
  readonly pulling: boolean;
  readonly storageEvent?: StoreEvent;
  readonly storageError?: StoreErrorCode;
  /** navigator.storage.persist() result after the first import; undefined before asking. */
  readonly persisted?: boolean;
  /** "Delete all my data" ran in this page: the store is closed and every screen shows an empty phone. */
  readonly wiped?: boolean;
}

/** What the page knows before the store has been read, and again after "delete all". */
const emptySnapshot = (): AppSnapshot => ({
  ready: false,
  root: { anchor: builtInAnchor(), chain: [] },
  bundle: { trustedTime: 0 },
  certificates: [],
  recycleBin: [],
  unreadable: [],
  quarantineCount: 0,
  checkins: [],
  pulling: false,
});

export class AppModel {
  readonly store: Store;
  readonly sync: SyncController;
  private snapshot: AppSnapshot = emptySnapshot();
  private readonly listeners = new Set<(s: AppSnapshot) => void>();
  private stopSync?: () => void;
  private stopExternal?: () => void;
  private retentionTimer?: ReturnType<typeof setInterval>;
  private lastRetention = 0;
  /** The oldest visit the history has shown: re-reads go down to it. Undefined before the first read. */
  private historyEnd?: CheckInPosition;
  /** Bumped by every history read: only the latest one started may set the list (reads can overtake). */
  private historyRead = 0;

  constructor(store?: Store) {
    this.store =
      store ??
      createStore({
        onEvent: (e) => this.set({ storageEvent: e }),
        onQuarantine: () => void this.refreshQuarantine(),
      });
    // Outbox upload and notices (src/sync): its own state and subscribers, read by the sync UI.
    this.sync = new SyncController({
      store: this.store,
      bundle: () => this.snapshot.bundle.bundle,
      requestBackgroundSync: () => requestBackgroundSync(SYNC_TAG),
      notify: (exposures) => showExposureNotification(exposures.length),
    });
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

  /** Note a failed store call for the banner, and pass the result through (a wiped store's refusals are expected). */
  private note<T>(r: StoreResult<T>): StoreResult<T> {
    if (!r.ok && r.error.code !== 'CHECKIN_NOT_FOUND' && !this.snapshot.wiped) this.set({ storageError: r.error.code });
    return r;
  }

  async start(): Promise<void> {
    // The root first: the stored bundle is verified with it.
    await this.refreshRoot();
    await Promise.all([this.refreshBundle(), this.refreshCertificates(), this.refreshCheckIns()]);
    this.set({ ready: true });
    this.followOtherTabs();
    this.sync.start();
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
    this.sync.stop();
    this.stopExternal?.();
    if (this.retentionTimer !== undefined) clearInterval(this.retentionTimer);
    this.store.close();
  }

  /**
   * "Delete all my data" (delete-all.ts) is about to remove the database: close it, and show an empty phone on
   * every screen at once — no certificate, visit or rules left in memory — until the fresh start reloads the page.
   */
  wipe(): void {
    this.stop();
    this.historyEnd = undefined;
    this.historyRead++;
    this.sync.clear();
    this.snapshot = { ...emptySnapshot(), ready: true, wiped: true };
    for (const l of this.listeners) l(this.snapshot);
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

  /** Read the history again from the newest visit (after a check-in, another tab's write, retention). */
  async refreshCheckIns(): Promise<void> {
    const read = ++this.historyRead;
    const from = { end: this.historyEnd, shown: this.snapshot.checkins.length, now: nowSeconds() };
    const r = await readHistory(
      async (query) => this.note(await this.store.listCheckInsPage(query)),
      from,
      () => read === this.historyRead,
    );
    if (!r) return;
    this.historyEnd = positionOf(r.items[r.items.length - 1]);
    this.set({ checkins: r.items, historyNext: r.next });
  }

  /** "Load more" in history: the next page of older visits. */
  async loadMoreCheckIns(): Promise<void> {
    const next = this.snapshot.historyNext;
    if (!next) return;
    const r = this.note(await this.store.listCheckInsPage({ before: next, limit: HISTORY_PAGE }));
    if (!r.ok) return;
    const last = positionOf(r.value.items[r.value.items.length - 1]);
    if (last && (!this.historyEnd || isNewer(this.historyEnd, last))) this.historyEnd = last;
    // Then read from the top down to the new end rather than append the page: a write here or in another tab
    // may have changed the list meanwhile, and a prefix read by cursor is cheap (first page of 10,000: ~3 ms).
    await this.refreshCheckIns();
  }

  /** The number of quarantined records, for settings (refreshed whenever the store quarantines something). */
  async refreshQuarantine(): Promise<void> {
    const r = this.note(await this.store.listQuarantine());
    if (r.ok) this.set({ quarantineCount: r.value.length });
  }

  private async afterSync(result: TrustSyncResult | undefined) {
    if (!result) {
      this.set({ lastPull: { kind: 'unreachable', code: 'NETWORK_UNAVAILABLE' }, pulling: false });
      return;
    }
    // The rules this sync stored and its outcome change together: "pulled" next to the rules of before (none,
    // on a first visit) would flash the "no rules yet" alert above the scan button and move Home down and up.
    const bundle = await loadCurrentBundle(this.store, result.root.anchor);
    const offset = result.bundle.serverOffset;
    this.set({
      root: result.root,
      lastRoots: result.roots,
      lastPull: result.bundle,
      pulling: false,
      ...(offset !== undefined ? { serverOffset: offset } : {}),
      ...(bundle.ok ? { bundle: bundle.value } : { storageError: bundle.code }),
    });
    for (const step of [result.roots, result.bundle])
      if (step.kind === 'storage-error') this.set({ storageError: step.code });
    // New rules may switch uploads on, or carry the notices key the feed needs: sync with them at once.
    if (result.bundle.kind === 'updated') void this.sync.syncNow();
  }

  /** "Check for updates" in settings: roots, then bundle. */
  async pullNow(): Promise<void> {
    this.set({ pulling: true });
    const result = await syncTrust(this.syncOptions()).catch(() => undefined);
    await this.afterSync(result);
  }

  /**
   * Retention, at start and daily: visits older than the bundle's retentionDays (21 before any bundle), and
   * certificates in the recycle bin for more than 30 days, are deleted. First, check-ins that no index can see
   * (damaged: no valid check-in time) are quarantined — retention, which reads the index, would never reach them.
   */
  async runRetention(now: UnixSeconds = nowSeconds()): Promise<void> {
    this.lastRetention = now;
    this.note(await this.store.quarantineUnindexedCheckIns());
    const days = this.snapshot.bundle.bundle?.payload.policy.retentionDays ?? DEFAULT_RETENTION_DAYS;
    const visits = this.note(await this.store.purgeCheckIns(now, days));
    if (visits.ok && visits.value > 0) await this.refreshCheckIns();
    const bin = this.note(await this.store.purgeRecycleBin(now));
    if (bin.ok && bin.value > 0) await this.refreshCertificates();
    // Retention also removes quarantined visits as old as that, and the sweep may have added some.
    await this.refreshQuarantine();
  }

  async saveCertificate(
    signed: HeldCertificate,
    person?: string,
  ): Promise<StoreResult<{ record: CertificateRecord; alreadySaved: boolean }>> {
    const first = this.snapshot.certificates.length === 0;
    const r = this.note(await this.store.saveCertificate(signed, nowSeconds(), person));
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

  /**
   * Check in `people` (holder keys; none = the phone's owner without certificates), each decided again from the
   * stored certificates and rules whatever the screen showed (door-admission.ts). Any other open visit is checked out.
   */
  async checkIn(
    venue: SignedVenue,
    people: readonly string[],
    now: UnixSeconds,
    options: { readonly handChecked?: readonly string[]; readonly stayMinutes?: number } = {},
  ): Promise<StoreResult<CheckInRecord>> {
    const door = admitAtDoor({
      venue,
      people,
      now,
      handChecked: options.handChecked,
      stayMinutes: options.stayMinutes,
      bundle: this.snapshot.bundle,
      certificates: this.snapshot.certificates,
      exposures: this.sync.get().snapshot?.exposures,
    });
    if (!door.ok) return door;
    const r = this.note(await this.store.checkIn({ venue, now, ...door.value, endOpenVisits: true }));
    if (r.ok) {
      await this.refreshCheckIns();
      this.sync.afterLocalWrite();
    }
    return r;
  }

  /** End a visit now, or at `at` (History's "left at…": never before check-in nor after the automatic end). */
  async checkOut(id: string, at: UnixSeconds = nowSeconds()): Promise<StoreResult<CheckInRecord>> {
    const r = this.note(await this.store.checkOut(id, at));
    await this.refreshCheckIns();
    if (r.ok) this.sync.afterLocalWrite();
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

/** Visits kept before any signed policy says otherwise (History and Settings state it too). */
export const DEFAULT_RETENTION_DAYS = 21;
const RETENTION_INTERVAL = 86_400;
