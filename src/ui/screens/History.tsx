/** Visit history, newest first; open visits can be checked out here. Kept on the phone only. */
import { checkInEnd, isActiveCheckIn } from '../../store';
import { useApp, useNow } from '../app-model';
import { CheckOutButton, useCheckOut } from '../components/CheckOut';
import { ScreenTitle } from '../components/Common';
import { formatDateTime, formatWhen } from '../format';
import { useI18n } from '../i18n';

export function History() {
  const { t, lang } = useI18n();
  const app = useApp();
  const now = useNow();
  const { busy, error, checkOut } = useCheckOut();
  const retention = app.bundle.bundle?.payload.policy.retentionDays ?? 21;

  return (
    <>
      <ScreenTitle>{t('history.title')}</ScreenTitle>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {!app.ready ? (
        <p role="status">{t('app.loading')}</p>
      ) : app.checkins.length === 0 ? (
        <p class="muted">{t('history.empty')}</p>
      ) : (
        <ol class="list history">
          {app.checkins.map((c) => {
            const active = isActiveCheckIn(c, now);
            return (
              <li key={c.id} class="list__item" data-testid="history-item" data-active={active ? 'true' : 'false'}>
                <div class="list__main">
                  <span class="truncate-lines venue-name">{c.venueName}</span>
                  <span>
                    {t('history.in')}: <time dateTime={iso(c.checkedInAt)}>{formatDateTime(c.checkedInAt, lang)}</time>
                  </span>
                  <span class={active ? 'active-label' : 'muted'}>
                    {active
                      ? `${t('history.active')} · ${t('history.autoOut')}: ${formatWhen(c.autoCheckOutAt, now, lang)}`
                      : `${c.checkedOutAt !== undefined ? t('history.out') : t('history.autoOut')}: ${formatWhen(checkInEnd(c), c.checkedInAt, lang)}`}
                  </span>
                  {c.people.length > 1 && <span class="muted">{t('history.people', { n: c.people.length })}</span>}
                </div>
                {active && (
                  <CheckOutButton
                    id={c.id}
                    venueName={c.venueName}
                    busy={busy}
                    onCheckOut={checkOut}
                    testId="history-checkout"
                  />
                )}
              </li>
            );
          })}
        </ol>
      )}
      <p class="muted">{t('history.retention', { days: retention })}</p>
    </>
  );
}

const iso = (t: number) => new Date(t * 1000).toISOString();
