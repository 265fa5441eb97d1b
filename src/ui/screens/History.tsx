/**
 * Visit history, newest first, grouped by day; open visits can be checked out here, any visit deleted (after a
 * confirmation). Kept on the phone only, for the retention the signed policy sets (stated under the list).
 * Shows the newest page and reads older pages on "load more" (the model reads them through the index cursor).
 */
import { useState } from 'preact/hooks';
import { holderNameOf } from '../../core/held-certificate';
import type { UnixSeconds } from '../../core/schema';
import { type CheckInRecord, checkInEnd, isActiveCheckIn, type StoredCertificate } from '../../store';
import { DEFAULT_RETENTION_DAYS } from '../app-model';
import { CheckOutButton, useCheckOut } from '../components/CheckOut';
import { ScreenTitle } from '../components/Common';
import { ExposureMark, useExposureLevels } from '../components/SyncStatus';
import { formatDateTime, formatTime, formatWhen } from '../format';
import { type Lang, localeOf, useI18n } from '../i18n';
import { useApp, useModel, useNow } from '../model-context';

interface Day {
  /** Local calendar date, YYYY-MM-DD (the phone's time zone). */
  readonly date: string;
  readonly visits: readonly CheckInRecord[];
}

const localDate = (t: UnixSeconds) => {
  const d = new Date(t * 1000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

/** The list is newest first, so each day's visits are consecutive. */
function groupByDay(visits: readonly CheckInRecord[]): Day[] {
  const days: { date: string; visits: CheckInRecord[] }[] = [];
  for (const c of visits) {
    const date = localDate(c.checkedInAt);
    const last = days[days.length - 1];
    if (last?.date === date) last.visits.push(c);
    else days.push({ date, visits: [c] });
  }
  return days;
}

/** "HH:MM" (a time input's value) on the day of `from`, or the next day if that is before `from`. */
function timeAfter(from: UnixSeconds, hhmm: string): UnixSeconds | undefined {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!m) return undefined;
  const d = new Date(from * 1000);
  d.setHours(Number(m[1]), Number(m[2]), 0, 0);
  const at = Math.floor(d.getTime() / 1000);
  // The input has minute precision: the check-in's own minute means "right after checking in".
  if (at >= from) return at;
  if (from - at < 60) return from;
  d.setDate(d.getDate() + 1);
  return Math.floor(d.getTime() / 1000);
}

const hhmmOf = (t: UnixSeconds) => {
  const d = new Date(t * 1000);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
};

/**
 * "When you actually left", for a visit not checked out by hand: the stay ends earlier than the automatic
 * check-out (Corona-Warn-App lets the user correct the stay). Never before check-in, never after the automatic
 * end or now: the store clamps too, and the outbox carries the corrected time.
 */
function LeftAtForm({ visit, now }: { visit: CheckInRecord; now: UnixSeconds }) {
  const { t, lang, errorText } = useI18n();
  const model = useModel();
  const latest = Math.min(visit.autoCheckOutAt, now);
  const [value, setValue] = useState(() => hhmmOf(latest));
  const [problem, setProblem] = useState<string | undefined>();
  const id = `left-at-${visit.id}`;
  const save = async (e: Event) => {
    e.preventDefault();
    const at = timeAfter(visit.checkedInAt, value);
    if (at === undefined || at > latest + 59) {
      setProblem(t('history.leftAtRange', { from: formatTime(visit.checkedInAt, lang), to: formatTime(latest, lang) }));
      return;
    }
    const r = await model.checkOut(visit.id, Math.min(at, latest));
    setProblem(r.ok ? undefined : errorText(r.error.code));
  };
  return (
    <form class="left-at" onSubmit={save}>
      <label for={id}>{t('history.leftAt')}</label>
      <input
        id={id}
        type="time"
        value={value}
        data-testid="history-left-at"
        onInput={(e) => setValue((e.currentTarget as HTMLInputElement).value)}
      />
      <button type="submit" class="button" data-testid="history-left-at-save">
        {t('history.leftAtSave')}
      </button>
      {problem && (
        <p class="error" role="alert" data-testid="history-left-at-error">
          {problem}
        </p>
      )}
    </form>
  );
}

/**
 * Delete one visit for good (with its waiting upload): asks first, because nothing brings it back. The store
 * removes it durably; then the list is read again.
 */
function DeleteVisit({ visit }: { visit: CheckInRecord }) {
  const { t, errorText } = useI18n();
  const model = useModel();
  const [phase, setPhase] = useState<'idle' | 'confirm' | 'deleting'>('idle');
  const [problem, setProblem] = useState<string | undefined>();
  const confirm = async () => {
    setPhase('deleting');
    const r = await model.store.deleteCheckIn(visit.id);
    // Gone already (another tab, retention) is what the user wanted too.
    if (r.ok || r.error.code === 'CHECKIN_NOT_FOUND') await model.refreshCheckIns();
    else {
      setProblem(errorText(r.error.code));
      setPhase('idle');
    }
  };
  if (phase === 'idle')
    return (
      <div class="history-delete">
        <button
          type="button"
          class="button button--danger"
          data-testid="history-delete"
          onClick={() => setPhase('confirm')}
        >
          {t('history.delete')}
          <span class="visually-hidden"> ({visit.venueName})</span>
        </button>
        {problem && (
          <p class="error" role="alert" data-testid="history-delete-error">
            {problem}
          </p>
        )}
      </div>
    );
  return (
    <fieldset class="history-delete history-delete--confirm">
      <legend class="warning">{t('history.deleteQuestion', { venue: visit.venueName })}</legend>
      <div class="button-row">
        <button
          type="button"
          class="button button--danger"
          data-testid="history-delete-confirm"
          disabled={phase === 'deleting'}
          onClick={() => void confirm()}
        >
          {phase === 'deleting' ? t('history.deleting') : t('history.deleteConfirm')}
        </button>
        <button
          type="button"
          class="button"
          data-testid="history-delete-cancel"
          disabled={phase === 'deleting'}
          onClick={() => setPhase('idle')}
        >
          {t('data.cancel')}
        </button>
      </div>
    </fieldset>
  );
}

/** Holder key → the name on their certificates (the recycle bin's too: a deleted certificate's visits keep a name). */
function holderNames(certs: readonly StoredCertificate[]): ReadonlyMap<string, string> {
  return new Map(certs.map((c) => [c.record.holderKey, holderNameOf(c.signed)]));
}

/**
 * Who was on a visit, alphabetically: "Andi, Budi Santoso dan Siti" in the phone's language. A person whose certificates are
 * all gone keeps the name part of their key (core holderKey: the name, lower-cased, and the birth date).
 */
function namesOf(people: readonly string[], names: ReadonlyMap<string, string>, lang: Lang): string {
  const list = people
    .map((key) => names.get(key) ?? key.slice(0, key.lastIndexOf('|')))
    .sort((a, b) => a.localeCompare(b, lang));
  return new Intl.ListFormat(localeOf(lang), { type: 'conjunction' }).format(list);
}

const formatDay = (t: UnixSeconds, lang: Lang) =>
  new Intl.DateTimeFormat(localeOf(lang), { dateStyle: 'full' }).format(t * 1000);

export function History() {
  const { t, lang, plural } = useI18n();
  const app = useApp();
  const model = useModel();
  const now = useNow();
  const { busy, error, checkOut } = useCheckOut();
  const exposures = useExposureLevels();
  const [loadingMore, setLoadingMore] = useState(false);
  const retention = app.bundle.bundle?.payload.policy.retentionDays ?? DEFAULT_RETENTION_DAYS;
  const names = holderNames([...app.certificates, ...app.recycleBin]);

  async function loadMore() {
    setLoadingMore(true);
    try {
      await model.loadMoreCheckIns();
    } finally {
      setLoadingMore(false);
    }
  }

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
        <>
          {groupByDay(app.checkins).map((day) => (
            <section key={day.date} class="history-day" data-testid="history-day" data-date={day.date}>
              <h2 class="history-day__title">
                <time dateTime={day.date}>{formatDay(day.visits[0]?.checkedInAt ?? 0, lang)}</time>
              </h2>
              <ol class="list history">
                {day.visits.map((c) => {
                  const active = isActiveCheckIn(c, now);
                  return (
                    <li
                      key={c.id}
                      class="list__item"
                      data-testid="history-item"
                      data-active={active ? 'true' : 'false'}
                      data-exposure={exposures.get(c.id)}
                    >
                      <div class="list__main">
                        <span class="truncate-lines venue-name">{c.venueName}</span>
                        <span>
                          {t('history.in')}:{' '}
                          <time dateTime={iso(c.checkedInAt)}>{formatDateTime(c.checkedInAt, lang)}</time>
                        </span>
                        <span class={active ? 'active-label' : 'muted'}>
                          {active
                            ? `${t('history.active')} · ${t('history.autoOut')}: ${formatWhen(c.autoCheckOutAt, now, lang)}`
                            : `${c.checkedOutAt !== undefined ? t('history.out') : t('history.autoOut')}: ${formatWhen(checkInEnd(c), c.checkedInAt, lang)}`}
                        </span>
                        {c.people.length > 0 && (
                          <span class="muted truncate-lines" data-testid="history-people">
                            {t('history.who', { names: namesOf(c.people, names, lang) })}
                          </span>
                        )}
                        {exposures.has(c.id) && <ExposureMark level={exposures.get(c.id) ?? 'low'} />}
                        {c.checkedOutAt === undefined && <LeftAtForm visit={c} now={now} />}
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
                      {/* Last and set apart: the one action that cannot be undone comes after check-out. */}
                      <DeleteVisit visit={c} />
                    </li>
                  );
                })}
              </ol>
            </section>
          ))}
          <p class="muted" role="status" data-testid="history-shown">
            {app.historyNext
              ? plural(app.checkins.length, 'history.shownMore')
              : plural(app.checkins.length, 'history.shownAll')}
          </p>
          {app.historyNext && (
            <button
              type="button"
              class="button"
              data-testid="history-more"
              disabled={loadingMore}
              onClick={() => void loadMore()}
            >
              {loadingMore ? t('app.loading') : t('history.more')}
            </button>
          )}
        </>
      )}
      <p class="muted" data-testid="history-retention" data-days={retention}>
        {t('history.retention', { days: retention })}
      </p>
    </>
  );
}

const iso = (t: number) => new Date(t * 1000).toISOString();
