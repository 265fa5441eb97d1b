/**
 * /v#<digits>: the venue, one decision per person (decided once, when the screen opens), the rules' age,
 * and check-in. Rescanning a venue you are checked into (CrowdNotifier, PeduliLindungi) offers check-out
 * first — "checked in here since 14:05 — check out?" — with "check in again" (end that visit, start a new
 * one) as the secondary action.
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
import { defaultGroup, PeoplePicker, rememberGroup } from '../components/PeoplePicker';
import { useSyncView } from '../components/SyncStatus';
import { RulesProblemBanner, UpdateRequiredScreen } from '../components/TrustNotices';
import { formatTime } from '../format';
import { rulesProblem, updateRequired } from '../gating';
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
  const exposures = useSyncView().snapshot?.exposures;
  // Decide once, at the moment of the scan; the live clock keeps ticking separately.
  const [at] = useState(nowSeconds);
  const [phase, setPhase] = useState<Phase>({ step: 'review' });
  // Who is entering: undefined until the user changes it, then their choice (the default is remembered).
  const [picked, setPicked] = useState<string[] | undefined>();
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
  const ctx = contextOf(payload, at, app.bundle.trustedTime, APP_VERSION, app.serverOffset);
  const people = groupPeople(app.certificates, exposures);
  const rows: { key: string; name: string; decision: PersonDecision; note?: string }[] =
    people.length > 0
      ? people.map((p) => ({ key: p.key, name: p.name, decision: decide(p, venue, ctx) }))
      : [{ key: 'you', name: t('checkin.you'), decision: decideNobody(venue, ctx), note: t('checkin.noCertificates') }];
  const chosen = picked ?? defaultGroup(people.map((p) => p.key));
  // With one person (or none) there is nobody to choose: the row is the person entering.
  const entering = people.length > 1 ? rows.filter((r) => chosen.includes(r.key)) : rows;
  // No usable rules for anyone (clock, expiry, none yet): the advice once on top, and a record-only action.
  const cause = rulesProblem(ctx, true);
  const allDenied = entering.every((r) => r.decision.outcome === 'DENIED');
  const anyCannotVerify = entering.some((r) => r.decision.outcome === 'CANNOT_VERIFY');
  // While saving, keep showing the button that was pressed (the list refreshes before the phase changes).
  const active =
    phase.step === 'saving'
      ? phase.intent === 'checkout'
        ? phase.active
        : undefined
      : app.checkins
          .filter((c) => c.venueId === venue.id && isActiveCheckIn(c, nowSeconds()))
          .sort((a, b) => b.checkedInAt - a.checkedInAt)[0];

  /** Check in; `previous` (an open visit here) is checked out first: "check in again". */
  const confirm = async (previous?: CheckInRecord) => {
    setPhase({ step: 'saving', intent: 'checkin' });
    if (previous) {
      const out = await model.checkOut(previous.id);
      if (!out.ok) {
        setPhase({ step: 'failed', code: out.error.code });
        return;
      }
    }
    const keys = people.length > 1 ? chosen : people.map((p) => p.key);
    const r = await model.checkIn(signed, keys, nowSeconds());
    if (r.ok && people.length > 1) rememberGroup(keys);
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
      {cause && <RulesProblemBanner cause={cause} now={at} />}
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
        <BundleAge
          bundle={app.bundle}
          now={at}
          testId="checkin-bundle-age"
          clockAhead={cause?.code === 'CLOCK_AHEAD'}
        />
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
        {people.length > 1 && (
          <PeoplePicker
            rows={rows}
            chosen={chosen}
            onChange={setPicked}
            disabled={phase.step !== 'review' && phase.step !== 'failed'}
          />
        )}
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
              <p class="rescan" data-testid="already-in">
                {t('checkin.alreadyIn', { time: formatTime(active.checkedInAt, lang) })}
              </p>
              <button
                type="button"
                class="button button--primary button--big"
                data-testid="checkout-button"
                disabled={phase.step === 'saving'}
                onClick={() => checkOut(active)}
              >
                {t('checkin.checkout')}
              </button>
              <button
                type="button"
                class="button"
                data-testid="checkin-again"
                aria-describedby="checkin-again-note"
                disabled={allDenied || phase.step === 'saving'}
                onClick={() => confirm(active)}
              >
                {t('checkin.checkInAgain')}
              </button>
              <p id="checkin-again-note" class="muted">
                {t('checkin.againNote')}
              </p>
            </>
          ) : (
            <>
              {allDenied && entering.length > 0 && <p class="warning">{t('checkin.allDenied')}</p>}
              {!allDenied && anyCannotVerify && !cause && <p class="muted">{t('checkin.cannotVerifyNote')}</p>}
              {cause && <p class="warning">{t('rulesCause.recordOnlyNote')}</p>}
              <button
                type="button"
                class={cause ? 'button button--big' : 'button button--primary button--big'}
                data-testid="checkin-confirm"
                data-rules-cause={cause?.code}
                disabled={allDenied || phase.step === 'saving'}
                onClick={() => confirm()}
              >
                {phase.step === 'saving'
                  ? t('checkin.saving')
                  : cause
                    ? t('rulesCause.recordOnly')
                    : t('checkin.confirm')}
              </button>
              <p class="muted">{i18n.plural(venue.stayMinutes, 'checkin.stay')}</p>
            </>
          ))}
      </section>
    </>
  );
}
