/**
 * /v#<digits>: the venue, one decision per person (decided once, when the screen opens), the rules' age,
 * and check-in. Rescanning a venue you are checked into (CrowdNotifier, PeduliLindungi) offers check-out
 * first — "checked in here since 14:05 — check out?" — with "check in again" (end that visit, start a new
 * one) as the secondary action.
 */
import { useMemo, useState } from 'preact/hooks';
import { defaultSelection, selectableForCheckIn, summarizeDecisions } from '../../core/admission';
import type { PersonDecision } from '../../core/eligibility';
import { occupancyLimitOf, occupancyState } from '../../core/occupancy';
import { stayChoices } from '../../core/stay';
import { decodeVenue, verifyVenue } from '../../core/venue';
import { type CheckInRecord, isActiveCheckIn, type StoreErrorCode } from '../../store';
import { nowSeconds } from '../../sync/bundle-pull';
import { APP_VERSION } from '../../sync/trust';
import { BundleAge, Link, LiveClock, ScreenTitle } from '../components/Common';
import { DecisionCard } from '../components/Decision';
import { OccupancyLine, useOccupancyCount } from '../components/Occupancy';
import { PeoplePicker, rememberedGroup, rememberGroup } from '../components/PeoplePicker';
import { StayPicker } from '../components/StayPicker';
import { useSyncView } from '../components/SyncStatus';
import { RulesProblemBanner, UpdateRequiredScreen } from '../components/TrustNotices';
import { formatTime } from '../format';
import { rulesProblem, updateRequired } from '../gating';
import { type I18n, useI18n } from '../i18n';
import { useApp, useModel } from '../model-context';
import { contextOf, decide, decideNobody, groupPeople, OWNER_KEY } from '../people';
import { RegionName } from '../regions';

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
  // CANNOT_VERIFY people the user confirmed the guard checks by hand.
  const [handChecked, setHandChecked] = useState<string[]>([]);
  const payload = app.bundle.bundle?.payload;
  const [stayChoice, setStay] = useState<number | undefined>();

  const decoded = useMemo(() => decodeVenue(code), [code]);
  const verified = useMemo(
    () => (decoded.ok && payload ? verifyVenue(decoded.value, payload) : undefined),
    [decoded, payload],
  );

  // The venue's occupancy limit (signed policy) and, online, its count: asked at once, never waited for.
  const limit = decoded.ok && verified?.ok ? occupancyLimitOf(decoded.value.venue, payload?.policy) : undefined;
  const count = useOccupancyCount(limit === undefined || !decoded.ok ? undefined : decoded.value.venue.id);

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
  const people = groupPeople(app.certificates, exposures, app.recycleBin);
  const rows: { key: string; name: string; decision: PersonDecision; note?: string }[] =
    people.length > 0
      ? people.map((p) => ({ key: p.key, name: p.name, decision: decide(p, venue, ctx) }))
      : [
          {
            key: OWNER_KEY,
            name: t('checkin.you'),
            decision: decideNobody(venue, ctx),
            note: t('checkin.noCertificates'),
          },
        ];
  const decided = rows.map((r) => ({ key: r.key, outcome: r.decision.outcome }));
  const selection = selectableForCheckIn(decided);
  const family = rows.length > 1;
  // A choice to make: several people, or someone whose entry needs the guard's hand check first.
  const showPicker = family || selection.needsHandCheck.length > 0;
  const chosen = picked ?? defaultSelection(decided, rememberedGroup());
  // Only the admitted go in: ALLOWED, or CANNOT_VERIFY with the hand check confirmed (core admission.ts).
  const entering = rows.filter(
    (r) =>
      chosen.includes(r.key) &&
      (selection.selectable.includes(r.key) ||
        (selection.needsHandCheck.includes(r.key) && handChecked.includes(r.key))),
  );
  // No usable rules for anyone (clock, expiry, none yet): the advice once on top, and a record-only action.
  const cause = rulesProblem(ctx, true);
  // While saving, keep showing the button that was pressed (the list refreshes before the phase changes).
  const active =
    phase.step === 'saving'
      ? phase.intent === 'checkout'
        ? phase.active
        : undefined
      : app.checkins
          .filter((c) => c.venueId === venue.id && isActiveCheckIn(c, nowSeconds()))
          .sort((a, b) => b.checkedInAt - a.checkedInAt)[0];
  // One open visit at a time: a check-in here ends a visit still open elsewhere (the store does it, same write).
  const elsewhere =
    phase.step === 'review' || phase.step === 'failed'
      ? app.checkins.find((c) => c.venueId !== venue.id && isActiveCheckIn(c, nowSeconds()))
      : undefined;
  const stays = stayChoices(venue, payload?.policy);
  const stay = stayChoice ?? venue.stayMinutes;
  const busy = phase.step === 'saving';
  // Full: say so before anything else in the actions, and check-in is no longer the main action.
  const full = limit !== undefined && count.kind === 'known' && occupancyState(count.inside, limit).kind === 'full';

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
    const keys = people.length > 0 ? entering.map((r) => r.key) : [];
    const r = await model.checkIn(signed, keys, nowSeconds(), { handChecked, stayMinutes: stay });
    if (r.ok && family) rememberGroup(keys);
    setPhase(r.ok ? { step: 'checked-in', record: r.value } : { step: 'failed', code: r.error.code });
  };
  const checkOut = async (visit: CheckInRecord) => {
    setPhase({ step: 'saving', intent: 'checkout', active: visit });
    const r = await model.checkOut(visit.id);
    setPhase(r.ok ? { step: 'checked-out', record: r.value } : { step: 'failed', code: r.error.code });
  };

  const decisionCards = rows.map((r) => <DecisionCard key={r.key} name={r.name} decision={r.decision} note={r.note} />);

  // First screen at 360×640: the venue's name, the decision (one person) or a one-line summary and who goes in
  // (a family), and the button; the venue's details and each family member's reasons come after.
  return (
    <>
      <div class="checkin__head">
        <ScreenTitle>{t('checkin.title')}</ScreenTitle>
        <LiveClock />
      </div>
      {cause && <RulesProblemBanner cause={cause} now={at} />}
      <h2 id="venue-name" class="venue__name truncate-lines" data-testid="venue-name">
        {venue.name}
      </h2>

      <section aria-labelledby="decisions-title" class="decisions">
        <h2 id="decisions-title" class={family ? 'visually-hidden' : 'decisions__title'}>
          {t('checkin.decisions')}
        </h2>
        {family && (
          <p class="decisions__summary" data-testid="decision-summary">
            {summaryText(summarizeDecisions(decided), i18n)}
          </p>
        )}
        {!family && (
          <div role="status" aria-live="polite" class="decisions__list">
            {decisionCards}
          </div>
        )}
        {showPicker && (
          <PeoplePicker
            rows={rows}
            chosen={chosen}
            onChange={setPicked}
            onHandCheck={(key) => setHandChecked((keys) => (keys.includes(key) ? keys : [...keys, key]))}
            disabled={phase.step !== 'review' && phase.step !== 'failed'}
          />
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
                disabled={busy}
                onClick={() => checkOut(active)}
              >
                {t('checkin.checkout')}
              </button>
              {selection.anyone && (
                <>
                  <button
                    type="button"
                    class="button"
                    data-testid="checkin-again"
                    aria-describedby="checkin-again-note"
                    disabled={entering.length === 0 || busy}
                    onClick={() => confirm(active)}
                  >
                    {t('checkin.checkInAgain')}
                  </button>
                  <p id="checkin-again-note" class="muted">
                    {t('checkin.againNote')}
                  </p>
                </>
              )}
            </>
          ) : selection.anyone ? (
            <>
              <OccupancyLine count={count} limit={limit} />
              {cause && <p class="warning">{t('rulesCause.recordOnlyNote')}</p>}
              {elsewhere && (
                <p class="muted" data-testid="checkin-ends-other">
                  {t('door.endsOther', { venue: elsewhere.venueName, time: formatTime(elsewhere.checkedInAt, lang) })}
                </p>
              )}
              {full ? (
                <button
                  type="button"
                  class="button"
                  data-testid="checkin-anyway"
                  disabled={entering.length === 0 || busy}
                  onClick={() => confirm()}
                >
                  {busy ? t('checkin.saving') : t('occupancy.checkInAnyway')}
                </button>
              ) : (
                <button
                  type="button"
                  class={cause ? 'button button--big' : 'button button--primary button--big'}
                  data-testid="checkin-confirm"
                  data-rules-cause={cause?.code}
                  disabled={entering.length === 0 || busy}
                  onClick={() => confirm()}
                >
                  {busy ? t('checkin.saving') : cause ? t('rulesCause.recordOnly') : t('checkin.confirm')}
                </button>
              )}
              <StayPicker choices={stays} value={stay} onChange={setStay} disabled={busy} />
              {family && <p class="muted">{t('checkin.whoHint')}</p>}
            </>
          ) : (
            // Nobody may enter: no check-in to offer, and why.
            <p class="warning" role="status" data-testid="checkin-nobody">
              {t(family ? 'door.nobodyMayEnterFamily' : 'door.nobodyMayEnter')}
            </p>
          ))}
      </section>

      {family && (
        <section aria-labelledby="details-title" class="decisions">
          <h2 id="details-title">{t('door.details')}</h2>
          <div class="decisions__list">{decisionCards}</div>
        </section>
      )}

      <section class="venue card" aria-labelledby="venue-details">
        <h2 id="venue-details" class="visually-hidden">
          {t('door.venueDetails')}
        </h2>
        <dl class="facts">
          <div>
            <dt>{t('checkin.category')}</dt>
            <dd data-testid="venue-category">{category}</dd>
          </div>
          <div>
            <dt>{t('checkin.region')}</dt>
            <dd data-testid="venue-region">
              <RegionName code={venue.region} />
            </dd>
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
        <p class="muted">{t('checkin.decidedAt', { time: formatTime(at, lang) })}</p>
        {people.length === 0 && (
          <p>
            <Link href="/scan">{t('checkin.importHint')}</Link>
          </p>
        )}
      </section>
    </>
  );
}

/** "2 of 4 may enter" (and how many need the guard's hand check), counted with the language's plural rules. */
function summaryText(s: { allowed: number; handCheck: number; total: number }, i18n: I18n): string {
  const main = i18n.plural(s.total, 'door.summary', { allowed: s.allowed, total: s.total });
  return s.handCheck > 0 ? `${main} ${i18n.t('door.summaryHandCheck', { n: s.handCheck })}` : main;
}
