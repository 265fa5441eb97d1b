/**
 * The sync as the user sees it: the exposure alert and a one-line sync status on Home (the Settings section is
 * SyncSettings.tsx, a chunk of its own, which Home does not load). Honest states only: "syncing…" exactly while
 * a sync runs in this page (every request has a timeout), otherwise the last outcome and when the next try is due.
 */
import { useEffect, useState } from 'preact/hooks';
import { type ExposureLevel, highestLevel } from '../../core/exposure';
import type { UnixSeconds } from '../../core/schema';
import type { ExposureRecord } from '../../store/sync-state';
import type { SyncView } from '../../sync/sync-controller';
import { APP_VERSION } from '../../sync/trust';
import { formatAge, formatDateTime, formatWhen } from '../format';
import { rulesProblem } from '../gating';
import { type I18n, useI18n } from '../i18n';
import type { AppErrorCode } from '../i18n/codes';
import { useApp, useModel, useNow } from '../model-context';
import { contextOf } from '../people';
import { Link } from './Common';

/** The sync state of this page; re-renders when it changes (a sync here, or another tab's write). */
export function useSyncView(): SyncView {
  const model = useModel();
  const [view, setView] = useState(model.sync.get());
  useEffect(() => {
    setView(model.sync.get());
    return model.sync.subscribe(setView);
  }, [model]);
  return view;
}

const minutes = (seconds: number) => Math.floor(seconds / 60);
const KNOWN_SYNC_CODES = new Set(['NETWORK_UNAVAILABLE', 'SERVER_ERROR', 'RATE_LIMITED']);

/** A failed sync's reason in words: our codes translated, anything else (a storage code) via errorText. */
function reasonText(code: string, i18n: I18n): string {
  return KNOWN_SYNC_CODES.has(code) || /^STORAGE_/.test(code) ? i18n.errorText(code as AppErrorCode) : code;
}

/**
 * Most serious first, then newest. (Exposures whose visit retention removed are dropped by the store at the
 * next notices pull.)
 */
const sortExposures = (exposures: readonly ExposureRecord[]) =>
  [...exposures].sort((a, b) => Number(b.level === 'high') - Number(a.level === 'high') || b.from - a.from);

/** Home: the alert after a match — level in words and icon shape, the visits, what to do. */
export function ExposureAlert() {
  const { t, lang, plural } = useI18n();
  const view = useSyncView();
  const shown = sortExposures(view.snapshot?.exposures ?? []);
  const level = highestLevel(shown);
  if (!level) return null;
  return (
    <section
      class={`card exposure exposure--${level}`}
      role="alert"
      aria-labelledby="exposure-title"
      data-testid="exposure-alert"
      data-level={level}
    >
      <h2 id="exposure-title" class="exposure__title">
        <svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" class="icon">
          {/* A triangle for high, a circle for low: the level never rests on colour alone. */}
          {level === 'high' ? (
            <path d="M12 3 2 21h20L12 3zm0 6v6m0 3v.01" fill="none" stroke="currentColor" stroke-width="2" />
          ) : (
            <path
              d="M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zm0 5v5m0 3v.01"
              fill="none"
              stroke="currentColor"
              stroke-width="2"
            />
          )}
        </svg>
        {t('exposure.title')}
      </h2>
      <p>{level === 'high' ? t('exposure.high', { minutes: 15 }) : t('exposure.low')}</p>
      <ul class="list">
        {shown.map((exposure) => (
          <li key={`${exposure.seq}-${exposure.checkInId}`} class="list__item" data-level={exposure.level}>
            <span class="truncate-lines">
              {plural(Math.max(1, minutes(exposure.overlapSeconds)), 'exposure.visit', {
                venue: exposure.venueName ?? exposure.venueId,
                time: formatDateTime(exposure.from, lang),
              })}
            </span>
          </li>
        ))}
      </ul>
      <p>{level === 'high' ? t('exposure.adviceHigh') : t('exposure.adviceLow')}</p>
    </section>
  );
}

/** Whether the rules on this phone cannot be used now (the banner above says why: gating.rulesProblem). */
export function useRulesUnusable(now: UnixSeconds): boolean {
  const app = useApp();
  const ctx = contextOf(app.bundle.bundle?.payload, now, app.bundle.trustedTime, APP_VERSION, app.serverOffset);
  return app.ready && rulesProblem(ctx, app.lastPull !== undefined) !== undefined;
}

/**
 * The sync's state in one phrase (shared by Home's line and Settings). Never "successful" while the rules it
 * brought cannot be used (a clock 60 days ahead syncs fine and still decides nothing).
 */
export function stateText(view: SyncView, now: UnixSeconds, i18n: I18n, rulesUnusable: boolean): string {
  const { t, lang } = i18n;
  if (view.running) return t('sync.running');
  if (view.error) return i18n.errorText(view.error as AppErrorCode);
  const state = view.snapshot?.state;
  if (state?.lastError !== undefined) {
    const failed = t('sync.failed', { reason: reasonText(state.lastError, i18n) });
    return state.nextAttemptAt !== undefined && state.nextAttemptAt > now
      ? `${failed} ${t('sync.nextTry', { time: formatWhen(state.nextAttemptAt, now, lang) })}`
      : failed;
  }
  if (rulesUnusable) return t('sync.rulesUnusable');
  if (state?.lastSuccessAt !== undefined)
    return t('sync.lastSuccess', { age: formatAge(state.lastSuccessAt, now, lang) });
  return t('sync.never');
}

/** Home: one line — last sync / failing / syncing, items waiting, dead letters. */
export function HomeSyncLine() {
  const i18n = useI18n();
  const view = useSyncView();
  const now = useNow();
  const rulesUnusable = useRulesUnusable(now);
  if (!view.snapshot && !view.error) return null;
  const waiting = view.snapshot?.waiting ?? 0;
  const dead = view.snapshot?.deadLetters.length ?? 0;
  return (
    <p class="muted sync-line" role="status" data-testid="sync-status" data-running={view.running ? 'true' : 'false'}>
      {stateText(view, now, i18n, rulesUnusable)}
      {waiting > 0 && view.uploads !== false && (
        <>
          {' · '}
          <span data-testid="sync-waiting" data-count={waiting}>
            {i18n.t('sync.homeWaiting', { n: waiting })}
          </span>
        </>
      )}
      {dead > 0 && (
        <>
          {' · '}
          <span data-testid="dead-letters" data-count={dead}>
            <Link href="/settings">{i18n.t('sync.homeDead', { n: dead })}</Link>
          </span>
        </>
      )}
    </p>
  );
}

/** The most serious exposure level of each matched visit (History marks them). */
export function useExposureLevels(): ReadonlyMap<string, ExposureLevel> {
  const exposures = useSyncView().snapshot?.exposures ?? [];
  const levels = new Map<string, ExposureLevel>();
  for (const e of exposures) if (levels.get(e.checkInId) !== 'high') levels.set(e.checkInId, e.level);
  return levels;
}

/** History: the mark on a visit that matched a notice (icon + words, not colour alone). */
export function ExposureMark({ level }: { level: ExposureLevel }) {
  const { t } = useI18n();
  return (
    <span class={`exposure-mark exposure-mark--${level}`} data-testid="history-exposure" data-level={level}>
      <span aria-hidden="true">⚠ </span>
      {t('exposure.historyMark', { level: level === 'high' ? t('exposure.levelHigh') : t('exposure.levelLow') })}
    </span>
  );
}
