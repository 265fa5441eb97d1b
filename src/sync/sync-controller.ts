/**
 * The page's side of the sync: when to run it (app start, `online`, the page becoming visible, a timer while
 * it is open, right after a check-in), what the UI shows about it (last success, items waiting, dead letters,
 * exposures) and the system notification for a new exposure. The sync itself is sync-run.ts, shared with the
 * service worker, which runs it for Background Sync (the page registers SYNC_TAG after each check-in).
 *
 * Honest status: `running` is true only while a sync is in flight in this page, and every sync ends (each
 * request has a timeout), so the UI never spins forever; a sync in another tab shows up here when it writes.
 */
import type { VerifiedBundle } from '../core/bundle';
import type { UnixSeconds } from '../core/schema';
import type { Store } from '../store';
import type { ExposureRecord, OutboxKey, SyncSnapshot } from '../store/sync-state';
import { nowSeconds } from './bundle-pull';
import { runSync, type SyncRunOptions, type SyncRunResult, uploadsEnabled } from './sync-run';

export type SyncControllerStore = SyncRunOptions['store'] &
  Pick<Store, 'retryDeadLetters' | 'discardDeadLetters' | 'claimExposureNotifications' | 'onExternalChange'>;

export interface SyncView {
  /** What the store says (undefined until first read). */
  readonly snapshot?: SyncSnapshot;
  /** A sync is in flight in this page. */
  readonly running: boolean;
  /** The last sync this page ran (or was refused: busy, deferred). */
  readonly last?: SyncRunResult;
  /** Whether the signed policy uploads check-ins (undefined: no verified bundle yet). */
  readonly uploads?: boolean;
  /** Reading the sync state failed (storage code). */
  readonly error?: string;
}

export interface SyncControllerOptions {
  readonly store: SyncControllerStore;
  /** The current verified bundle (changes when the trust sync stores a new one). */
  readonly bundle: () => VerifiedBundle | undefined;
  /** Ask the service worker for Background Sync (sw-bridge); resolves false where there is none. */
  readonly requestBackgroundSync?: () => Promise<boolean>;
  /** Show a system notification for new exposures (permission is checked by the caller). */
  readonly notify?: (exposures: readonly ExposureRecord[]) => Promise<boolean>;
  readonly fetch?: typeof fetch;
  readonly now?: () => UnixSeconds;
  /** While open and visible, sync this often (a deferred sync costs one IndexedDB read). */
  readonly intervalMs?: number;
}

export class SyncController {
  private view: SyncView = { running: false };
  private readonly listeners = new Set<(v: SyncView) => void>();
  private readonly cleanup: (() => void)[] = [];

  constructor(private readonly o: SyncControllerOptions) {}

  get(): SyncView {
    return this.view;
  }

  subscribe(listener: (v: SyncView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(patch: Partial<SyncView>) {
    this.view = { ...this.view, ...patch };
    for (const l of this.listeners) l(this.view);
  }

  /** Read the stored sync state (also after another tab or the worker wrote it). */
  async refresh(): Promise<void> {
    const r = await this.o.store.loadSync();
    const bundle = this.o.bundle();
    const uploads = bundle ? uploadsEnabled(bundle) : undefined;
    if (r.ok) this.set({ snapshot: r.value, uploads, error: undefined });
    else this.set({ uploads, error: r.error.code });
  }

  /** One sync now (`force` ignores the backoff wait: "sync now", `online`). Resolves when it ended. */
  async syncNow(force = false): Promise<SyncRunResult> {
    this.set({ running: true });
    const result = await runSync({
      store: this.o.store,
      bundle: this.o.bundle(),
      force,
      ...(this.o.fetch ? { fetch: this.o.fetch } : {}),
      ...(this.o.now ? { now: this.o.now } : {}),
    });
    this.set({ running: false, last: result });
    await this.refresh();
    if (result.kind === 'finished' && result.notices.kind === 'updated' && result.notices.added.length > 0)
      await this.notifyNew();
    return result;
  }

  /** After the user's own write (a check-in or check-out): sync now, and let the worker retry it offline. */
  afterLocalWrite(): void {
    void this.o.requestBackgroundSync?.().catch(() => false);
    void this.syncNow();
  }

  async retry(keys: readonly OutboxKey[]): Promise<void> {
    const r = await this.o.store.retryDeadLetters(keys, (this.o.now ?? nowSeconds)());
    await this.refresh();
    if (r.ok && r.value > 0) await this.syncNow(true);
  }

  async discard(keys: readonly OutboxKey[]): Promise<void> {
    await this.o.store.discardDeadLetters(keys);
    await this.refresh();
  }

  /** Claim the exposures nobody notified yet (one tab or the worker wins each) and show them. */
  private async notifyNew(): Promise<void> {
    if (!this.o.notify || typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    const claimed = await this.o.store.claimExposureNotifications((this.o.now ?? nowSeconds)());
    if (claimed.ok && claimed.value.length > 0) await this.o.notify(claimed.value).catch(() => false);
  }

  /** Triggers: now (app start), `online`, visible again, a timer while visible, other tabs' writes. */
  start(): void {
    const onOnline = () => void this.syncNow(true);
    const onVisible = () => {
      if (document.visibilityState === 'visible') void this.syncNow();
    };
    window.addEventListener('online', onOnline);
    document.addEventListener('visibilitychange', onVisible);
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void this.syncNow();
    }, this.o.intervalMs ?? 60_000);
    const stopExternal = this.o.store.onExternalChange((stores) => {
      if (stores.includes('meta') || stores.includes('outbox')) void this.refresh();
    });
    this.cleanup.push(
      () => window.removeEventListener('online', onOnline),
      () => document.removeEventListener('visibilitychange', onVisible),
      () => clearInterval(timer),
      stopExternal,
    );
    void this.refresh().then(() => this.syncNow());
  }

  stop(): void {
    for (const c of this.cleanup.splice(0)) c();
  }

  /** Forget what was read (exposures, waiting items): the data was deleted ("delete all my data"). */
  clear(): void {
    this.stop();
    this.view = { running: false };
    for (const l of this.listeners) l(this.view);
  }
}
