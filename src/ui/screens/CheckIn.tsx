/**
 * /v#<digits>: the venue, one decision per person (decided once, when the screen opens), the rules' age,
 * and check-in — or check-out if a visit here is still open (rescanning the poster checks out).
 */
import { useMemo, useState } from 'preact/hooks';
import type { PersonDecision } from '../../core/eligibility';
import { decodeVenue, verifyVenue } from '../../core/venue';
import { type CheckInRecord, isActiveCheckIn, type StoreErrorCode } from '../../store';
import { nowSeconds } from '../../sync/bundle-pull';
import { APP_VERSION } from '../../sync/trust';
import { useApp, useModel } from '../app-model';
import { BundleAge, Link, LiveClock, ScreenTitle } from '../components/Common';
import { DecisionCard } from '../components/Decision';
import { ClockWrongBanner, UpdateRequiredScreen } from '../components/TrustNotices';
import { formatTime } from '../format';
import { updateRequired } from '../gating';
import { useI18n } from '../i18n';
import { contextOf, decide, decideNobody, groupPeople } from '../people';
import { regionLabel } from '../regions';

type Phase =
  | { step: 'review' }
  | { step: 'saving'; intent: 'checkin' }
  | { step: 'saving'; intent: 'checkout'; active: CheckInRecord }
  | { step: 'checked-in'; record: CheckInRecord }
  | { step: 'checked-out'; record: CheckInRecord }
  | { step: 'failed'; code: StoreErrorCode };

export function CheckIn({ code }: { code: string }) {
  const i18n = useI18n();
  const { t, lang, errorText } = i18n;
  const app = useApp();
  const model = useModel();
  // Decide once, at the moment of the scan; the live clock keeps ticking separately.
  const [at] = useState(nowSeconds);
  const [phase, setPhase] = useState<Phase>({ step: 'review' });
  const payload = app.bundle.bundle?.payload;

  const decoded = useMemo(() => decodeVenue(code), [code]);
  const verified = useMemo(
    () => (decoded.ok && payload ? verifyVenue(decoded.value, payload) : undefined),
    [decoded, payload],
  );

  if (!app.ready) return <p role="status">{t('app.loading')}</p>;

  // Rules that need a newer app: no venue, no decisions — only "Update Singgah".
  const gate = updateRequired(payload, APP_VERSION);
  if (gate) return <UpdateRequiredScreen gate={gate} />;

  const invalid = !decoded.ok ? decoded.error : verified && !verified.ok ? verified.error : undefined;
  if (invalid || !decoded.ok) {
    return (
      <>
        <ScreenTitle>{t('checkin.title')}</ScreenTitle>
        <div class="error" role="alert" data-testid="venue-error" data-code={invalid?.code}>
          <p>{invalid ? errorText(invalid.code) : ''}</p>
        </div>
        <p>
          <Link href="/scan" class="button">
            {t('scan.title')}
          </Link>
        </p>
      </>
    );
  }

  const signed = decoded.value;
  const venue = signed.venue;
  const category = payload?.categories.find((c) => c.code === venue.category)?.name[lang] ?? venue.category;
  const ctx = contextOf(payload, at, app.bundle.trustedTime, APP_VERSION);
  const people = groupPeople(app.certificates);
  const rows: { key: string; name: string; decision: PersonDecision; note?: string }[] =
    people.length > 0
      ? people.map((p) => ({ key: p.key, name: p.name, decision: decide(p, venue, ctx) }))
      : [{ key: 'you', name: t('checkin.you'), decision: decideNobody(venue, ctx), note: t('checkin.noCertificates') }];
  const clockWrong = rows.some((r) => r.decision.reasons.some((reason) => reason.code === 'CLOCK_BEHIND'));
  const allDenied = rows.every((r) => r.decision.outcome === 'DENIED');
  const anyCannotVerify = rows.some((r) => r.decision.outcome === 'CANNOT_VERIFY');
  // While saving, keep showing the button that was pressed (the list refreshes before the phase changes).
  const active =
    phase.step === 'saving'
      ? phase.intent === 'checkout'
        ? phase.active
        : undefined
      : app.checkins
          .filter((c) => c.venueId === venue.id && isActiveCheckIn(c, nowSeconds()))
          .sort((a, b) => b.checkedInAt - a.checkedInAt)[0];

  const confirm = async () => {
    setPhase({ step: 'saving', intent: 'checkin' });
    const r = await model.checkIn(
      signed,
      people.map((p) => p.key),
      nowSeconds(),
    );
    setPhase(r.ok ? { step: 'checked-in', record: r.value } : { step: 'failed', code: r.error.code });
  };
  const checkOut = async (visit: CheckInRecord) => {
    setPhase({ step: 'saving', intent: 'checkout', active: visit });
    const r = await model.checkOut(visit.id);
    setPhase(r.ok ? { step: 'checked-out', record: r.value } : { step: 'failed', code: r.error.code });
  };

  return (
    <>
      <ScreenTitle>{t('checkin.title')}</ScreenTitle>
      {clockWrong && <ClockWrongBanner expected={app.bundle.trustedTime} now={at} />}
      <section class="venue card" aria-labelledby="venue-name">
        <h2 id="venue-name" class="venue__name truncate-lines" data-testid="venue-name">
          {venue.name}
        </h2>
        <dl class="facts">
          <div>
            <dt>{t('checkin.category')}</dt>
            <dd data-testid="venue-category">{category}</dd>
          </div>
          <div>
            <dt>{t('checkin.region')}</dt>
            <dd data-testid="venue-region">{regionLabel(venue.region)}</dd>
          </div>
          <div>
            <dt>{t('checkin.address')}</dt>
            <dd class="truncate-lines">{venue.address}</dd>
          </div>
        </dl>
        {!payload && <p class="muted">{t('checkin.venueUnverified')}</p>}
        <BundleAge bundle={app.bundle} now={at} testId="checkin-bundle-age" />
      </section>

      <section aria-labelledby="decisions-title" class="decisions">
        <div class="decisions__head">
          <h2 id="decisions-title">{t('checkin.decisions')}</h2>
          <LiveClock />
        </div>
        <div role="status" aria-live="polite" class="decisions__list">
          {rows.map((r) => (
            <DecisionCard key={r.key} name={r.name} decision={r.decision} note={r.note} />
          ))}
        </div>
        <p class="muted">{t('checkin.decidedAt', { time: formatTime(at, lang) })}</p>
        {people.length === 0 && (
          <p>
            <Link href="/scan">{t('checkin.importHint')}</Link>
          </p>
        )}
      </section>

      <section class="actions" aria-live="polite">
        {phase.step === 'checked-in' && (
          <div class="success" data-testid="checkin-done" role="status">
            <p>{t('checkin.done', { time: formatTime(phase.record.checkedInAt, lang) })}</p>
            <p>{t('checkin.autoCheckOut', { time: formatTime(phase.record.autoCheckOutAt, lang) })}</p>
            <Link href="/" class="button">
              {t('nav.done')}
            </Link>
          </div>
        )}
        {phase.step === 'checked-out' && (
          <div class="success" data-testid="checkout-done" role="status">
            <p>{t('checkin.checkedOut', { time: formatTime(phase.record.checkedOutAt ?? at, lang) })}</p>
            <Link href="/" class="button">
              {t('nav.done')}
            </Link>
          </div>
        )}
        {phase.step === 'failed' && (
          <p class="error" role="alert" data-testid="checkin-error">
            {errorText(phase.code)}
          </p>
        )}
        {(phase.step === 'review' || phase.step === 'saving' || phase.step === 'failed') &&
          (active ? (
            <>
              <p>{t('checkin.alreadyIn', { time: formatTime(active.checkedInAt, lang) })}</p>
              <button
                type="button"
                class="button button--primary button--big"
                data-testid="checkout-button"
                disabled={phase.step === 'saving'}
                onClick={() => checkOut(active)}
              >
                {t('checkin.checkout')}
              </button>
            </>
          ) : (
            <>
              {allDenied && <p class="warning">{t('checkin.allDenied')}</p>}
              {!allDenied && anyCannotVerify && <p class="muted">{t('checkin.cannotVerifyNote')}</p>}
              <button
                type="button"
                class="button button--primary button--big"
                data-testid="checkin-confirm"
                disabled={allDenied || phase.step === 'saving'}
                onClick={confirm}
              >
                {phase.step === 'saving' ? t('checkin.saving') : t('checkin.confirm')}
              </button>
              <p class="muted">{t('checkin.stay', { n: venue.stayMinutes })}</p>
            </>
          ))}
      </section>
    </>
  );
}
