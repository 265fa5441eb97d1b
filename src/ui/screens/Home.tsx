/** Home: the big scan button, who is on this phone (with their colour), and visits still open. */
import { isActiveCheckIn } from '../../store';
import { APP_VERSION } from '../../sync/trust';
import { useApp, useNow } from '../app-model';
import { CheckOutButton, useCheckOut } from '../components/CheckOut';
import { BundleAge, Link } from '../components/Common';
import { StatusChip } from '../components/StatusChip';
import { ClockWrongBanner, UpdateRequiredBanner } from '../components/TrustNotices';
import { formatIsoDate, formatWhen } from '../format';
import { clockBehind, updateRequired } from '../gating';
import { useI18n } from '../i18n';
import { contextOf, groupPeople, statusOf } from '../people';
import { regionLabel } from '../regions';

export function Home() {
  const { t, lang } = useI18n();
  const app = useApp();
  const now = useNow();
  const { busy, error, checkOut } = useCheckOut();
  const people = groupPeople(app.certificates);
  const ctx = contextOf(app.bundle.bundle?.payload, now, app.bundle.trustedTime, APP_VERSION);
  const active = app.checkins.filter((c) => isActiveCheckIn(c, now));
  const gate = updateRequired(app.bundle.bundle?.payload, APP_VERSION);
  const clock = gate ? undefined : clockBehind(ctx);

  return (
    <>
      <h1 class="screen-title visually-hidden">{t('home.title')}</h1>
      {gate && <UpdateRequiredBanner gate={gate} />}
      {clock && <ClockWrongBanner expected={clock.expected} now={now} />}
      <section class="hero" aria-labelledby="scan-hint">
        <Link href="/scan" class="button button--primary button--big" data-testid="scan-button">
          <svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" class="icon">
            <path
              d="M3 8V5a2 2 0 0 1 2-2h3M16 3h3a2 2 0 0 1 2 2v3M21 16v3a2 2 0 0 1-2 2h-3M8 21H5a2 2 0 0 1-2-2v-3M7 12h10"
              fill="none"
              stroke="currentColor"
              stroke-width="2"
              stroke-linecap="round"
            />
          </svg>
          {t('home.scan')}
        </Link>
        <p id="scan-hint" class="hint">
          {t('home.scanHint')}
        </p>
        <BundleAge bundle={app.bundle} now={now} testId="bundle-status" />
      </section>

      {active.length > 0 && (
        <section aria-labelledby="active-title" class="card">
          <h2 id="active-title">{t('home.activeTitle')}</h2>
          <ul class="list">
            {active.map((c) => (
              <li key={c.id} class="list__item">
                <div class="list__main">
                  <span class="truncate-lines venue-name">{c.venueName}</span>
                  <span class="muted">
                    {formatWhen(c.checkedInAt, now, lang)} ·{' '}
                    {t('home.autoCheckOut', { time: formatWhen(c.autoCheckOutAt, now, lang) })}
                  </span>
                </div>
                <CheckOutButton
                  id={c.id}
                  venueName={c.venueName}
                  busy={busy}
                  onCheckOut={checkOut}
                  testId="home-checkout"
                />
              </li>
            ))}
          </ul>
          {error && (
            <p class="error" role="alert">
              {error}
            </p>
          )}
        </section>
      )}

      <section aria-labelledby="people-title" class="card">
        <h2 id="people-title">{t('home.people')}</h2>
        {people.length === 0 ? (
          <p class="muted">{t('home.noPeople')}</p>
        ) : (
          <ul class="list">
            {people.map((p) => (
              <li key={p.key} class="list__item person" data-testid="person">
                <div class="list__main">
                  <span class="truncate-lines person__name">{p.name}</span>
                  <span class="muted">
                    {formatIsoDate(p.birthDate, lang)} · {regionLabel(p.region)} ·{' '}
                    {t('home.certificates', { n: p.certificates.length })}
                  </span>
                </div>
                <StatusChip status={statusOf(p, ctx) ?? 'unknown'} />
              </li>
            ))}
          </ul>
        )}
        {app.unreadable.length > 0 && (
          <p class="warning" role="status">
            {t('home.unreadable', { n: app.unreadable.length })}
          </p>
        )}
      </section>
    </>
  );
}
