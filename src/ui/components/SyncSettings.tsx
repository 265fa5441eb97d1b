/**
 * Settings → Sync: what the signed policy says about uploads, last successful sync, items waiting, dead letters
 * with retry/discard, "sync now", system notifications. The state line is the one Home shows (SyncStatus.tsx).
 */
import { useState } from 'preact/hooks';
import type { CheckInRecord } from '../../store';
import type { DeadLetterRecord, OutboxKey } from '../../store/sync-state';
import { formatDateTime } from '../format';
import { useI18n } from '../i18n';
import { useApp, useModel, useNow } from '../model-context';
import { describeUploadRefusal } from '../upload-refusal';
import { Link } from './Common';
import { stateText, useRulesUnusable, useSyncView } from './SyncStatus';

function DeadLetterItem({
  letter,
  visit,
  onRetry,
  onDiscard,
  busy,
}: {
  letter: DeadLetterRecord;
  visit: CheckInRecord | undefined;
  onRetry: (k: OutboxKey) => void;
  onDiscard: (k: OutboxKey) => void;
  busy: boolean;
}) {
  const { t, lang } = useI18n();
  const key: OutboxKey = [letter.id, letter.op];
  const label = t('sync.deadItem', {
    // The history in memory is paged: an older visit's name may not be loaded; its time still identifies it.
    venue: visit?.venueName ?? '—',
    time: formatDateTime(letter.createdAt, lang),
    op: letter.op === 'checkin' ? t('sync.opCheckin') : t('sync.opCheckout'),
  });
  return (
    <li class="list__item" data-testid="dead-letter" data-id={letter.id} data-op={letter.op} data-code={letter.code}>
      <div class="list__main">
        <span class="truncate-lines">{label}</span>
        <span class="muted">{describeUploadRefusal(t, letter.code)}</span>
      </div>
      <div class="actions">
        <button
          type="button"
          class="button"
          disabled={busy}
          onClick={() => onRetry(key)}
          aria-label={`${t('sync.retry')}: ${label}`}
          data-testid="dead-letter-retry"
        >
          {t('sync.retry')}
        </button>
        <button
          type="button"
          class="button"
          disabled={busy}
          onClick={() => onDiscard(key)}
          aria-label={`${t('sync.discard')}: ${label}`}
          data-testid="dead-letter-discard"
        >
          {t('sync.discard')}
        </button>
      </div>
    </li>
  );
}

type Permission = NotificationPermission | 'unsupported';
const currentPermission = (): Permission =>
  typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;

/** Ask for notifications only here, from the user's tap (browsers ignore or punish prompts without one). */
function NotificationControl() {
  const { t } = useI18n();
  const [permission, setPermission] = useState<Permission>(currentPermission);
  const ask = async () => {
    try {
      setPermission(await Notification.requestPermission());
    } catch {
      setPermission(currentPermission());
    }
  };
  const text =
    permission === 'granted'
      ? t('sync.notifyOn')
      : permission === 'denied'
        ? t('sync.notifyDenied')
        : permission === 'unsupported'
          ? t('sync.notifyUnsupported')
          : t('sync.notifyOff');
  return (
    <div data-testid="notify-status" data-permission={permission}>
      <h3>{t('sync.notifyTitle')}</h3>
      <p class="muted">{text}</p>
      {permission === 'default' && (
        <button type="button" class="button" onClick={ask} data-testid="notify-ask">
          {t('sync.notifyAsk')}
        </button>
      )}
    </div>
  );
}

/** Settings → Sync. */
export function SyncSection() {
  const i18n = useI18n();
  const { t } = i18n;
  const model = useModel();
  const app = useApp();
  const view = useSyncView();
  const now = useNow(5_000);
  const rulesUnusable = useRulesUnusable(now);
  const [busy, setBusy] = useState(false);
  const snapshot = view.snapshot;
  const letters = snapshot?.deadLetters ?? [];
  const visits = new Map(app.checkins.map((c) => [c.id, c]));
  const act = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await fn();
    } finally {
      setBusy(false);
    }
  };
  const uploadsText =
    view.uploads === true
      ? t('sync.uploadsOn')
      : view.uploads === false
        ? t('sync.uploadsOff')
        : t('sync.uploadsUnknown');

  return (
    <section class="card" aria-labelledby="sync-title">
      <h2 id="sync-title">{t('sync.title')}</h2>
      <p data-testid="sync-uploads" data-uploads={view.uploads === undefined ? 'unknown' : String(view.uploads)}>
        {uploadsText}
      </p>
      <p
        role="status"
        data-testid="sync-status"
        data-running={view.running ? 'true' : 'false'}
        data-last-success={snapshot?.state.lastSuccessAt ?? ''}
        data-error={snapshot?.state.lastError ?? ''}
      >
        {stateText(view, now, i18n, rulesUnusable)}
      </p>
      {/* Only once the stored state is read: "nothing waiting" before that would be a guess. */}
      {snapshot && (
        <p data-testid="sync-waiting" data-count={snapshot.waiting}>
          {snapshot.waiting === 0
            ? t('sync.waitingNone')
            : view.uploads === false
              ? i18n.plural(snapshot.waiting, 'sync.waitingOff')
              : i18n.plural(snapshot.waiting, 'sync.waiting')}
        </p>
      )}
      <button
        type="button"
        class="button"
        disabled={view.running || busy}
        onClick={() => act(() => model.sync.syncNow(true))}
        data-testid="sync-now"
      >
        {t('sync.now')}
      </button>

      <div data-testid="dead-letters" data-count={letters.length}>
        <h3>{t('sync.deadTitle')}</h3>
        {letters.length === 0 ? (
          <p class="muted">{t('sync.deadNone')}</p>
        ) : (
          <>
            <p class="muted">{t('sync.deadHint')}</p>
            <ul class="list">
              {letters.map((l) => (
                <DeadLetterItem
                  key={`${l.id}-${l.op}`}
                  letter={l}
                  visit={visits.get(l.id)}
                  busy={busy}
                  onRetry={(k) => act(() => model.sync.retry([k]))}
                  onDiscard={(k) => act(() => model.sync.discard([k]))}
                />
              ))}
            </ul>
          </>
        )}
      </div>

      <NotificationControl />
      <p>
        <Link href="/report" data-testid="report-link">
          {t('report.link')}
        </Link>
      </p>
    </section>
  );
}
