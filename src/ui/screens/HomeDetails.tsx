/**
 * Home's data, a lazy chunk (Home.tsx): the update/clock banners above the scan button, and below it the
 * rules' age, visits still open and the people on this phone with their colour. Rendered once the model is
 * there; until the store has been read it shows the loading line, so no status is shown before it is known.
 */
import { isActiveCheckIn } from '../../store';
import { APP_VERSION } from '../../sync/trust';
import { CheckOutButton, useCheckOut } from '../components/CheckOut';
import { BundleAge, Link } from '../components/Common';
import { StatusChip } from '../components/StatusChip';
import { useSyncView } from '../components/SyncStatus';
import { RulesProblemBanner, UpdateRequiredBanner } from '../components/TrustNotices';
import { formatIsoDate, formatWhen } from '../format';
import { rulesProblem, updateRequired } from '../gating';
import { useI18n } from '../i18n';
import { Loading } from '../lazy-screen';
import { useApp, useNow } from '../model-context';
import { contextOf, groupPeople, statusOf } from '../people';
import { RegionName } from '../regions';
import { passPath } from '../router';

export function HomeNotices() {
  const app = useApp();
  const now = useNow();
  if (!app.ready) return null;
  const payload = app.bundle.bundle?.payload;
  const gate = updateRequired(payload, APP_VERSION);
  const ctx = contextOf(payload, now, app.bundle.trustedTime, APP_VERSION, app.serverOffset);
  const cause = gate ? undefined : rulesProblem(ctx, app.lastPull !== undefined);
  return (
    <>
      {gate && <UpdateRequiredBanner gate={gate} />}
      {cause && <RulesProblemBanner cause={cause} now={now} />}
    </>
  );
}

export function HomeDetails() {
  const { t, lang, plural } = useI18n();
  const app = useApp();
  const now = useNow();
  const { busy, error, checkOut } = useCheckOut();
  const exposures = useSyncView().snapshot?.exposures;
  if (!app.ready) return <Loading />;
  const people = groupPeople(app.certificates, exposures, app.recycleBin);
  const ctx = contextOf(app.bundle.bundle?.payload, now, app.bundle.trustedTime, APP_VERSION, app.serverOffset);
  const clockAhead = rulesProblem(ctx, true)?.code === 'CLOCK_AHEAD';
  const active = app.checkins.filter((c) => isActiveCheckIn(c, now));

  return (
    <>
      <BundleAge bundle={app.bundle} now={now} testId="bundle-status" clockAhead={clockAhead} />

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
                    {formatIsoDate(p.birthDate, lang)} · <RegionName code={p.region} /> ·{' '}
                    {plural(p.certificates.length, 'home.certificates')}
                  </span>
                </div>
                <StatusChip status={statusOf(p, ctx) ?? 'unknown'} />
                <Link
                  href={passPath(p.key)}
                  class="button"
                  data-testid="pass-link"
                  aria-label={t('pass.openFor', { name: p.name })}
                >
                  {t('pass.open')}
                </Link>
              </li>
            ))}
          </ul>
        )}
        <p>
          <Link href="/verify" data-testid="verify-link">
            {t('verify.open')}
          </Link>
        </p>
        {app.unreadable.length > 0 && (
          <p class="warning" role="status">
            {plural(app.unreadable.length, 'home.unreadable')}
          </p>
        )}
      </section>
    </>
  );
}
