/**
 * "I tested positive" (/report): the one-time code from a health officer, the visits to send (every visit of
 * the last 14 days, the newest 100 pre-selected — one upload carries no more, and the screen says so when there
 * are more; the user may change the choice), then one upload. Nothing is sent before the user presses "send",
 * and only venue ids and time windows are sent, sealed for the health office (src/sync/case-upload.ts).
 */
import { useEffect, useState } from 'preact/hooks';
import type { CheckInRecord } from '../../store';
import { nowSeconds } from '../../sync/bundle-pull';
import {
  type CaseUploadOutcome,
  caseVisitOf,
  defaultCaseChoice,
  MAX_CASE_VISITS,
  normaliseCaseCode,
  recentVisits,
  uploadCase,
} from '../../sync/case-upload';
import { DEFAULT_RETENTION_DAYS } from '../app-model';
import { ScreenTitle } from '../components/Common';
import { formatDateTime, formatTime } from '../format';
import { useI18n } from '../i18n';
import { useApp, useModel } from '../model-context';

type Phase = { kind: 'editing' } | { kind: 'sending' } | { kind: 'result'; outcome: CaseUploadOutcome };
const CODE_MESSAGES = [
  'CASE_CODE_UNKNOWN',
  'CASE_CODE_USED',
  'CASE_CODE_EXPIRED',
  'CASE_KEY_MISSING',
  'CASE_KEY_UNKNOWN',
  'CASE_UPLOAD_REPLAYED',
] as const;

export function ReportCase() {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const model = useModel();
  const app = useApp();
  const bundle = app.bundle.bundle?.payload;
  const retentionDays = bundle?.policy.retentionDays ?? DEFAULT_RETENTION_DAYS;
  const [visits, setVisits] = useState<readonly CheckInRecord[] | undefined>(undefined);
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [code, setCode] = useState('');
  const [codeError, setCodeError] = useState(false);
  const [phase, setPhase] = useState<Phase>({ kind: 'editing' });

  useEffect(() => {
    // Straight from the store: the history in memory is paged, and 14 days may reach past its first page.
    void model.store.listCheckIns().then((r) => {
      const recent = r.ok ? recentVisits(r.value.items, nowSeconds(), retentionDays) : [];
      setVisits(recent);
      setChosen(defaultCaseChoice(recent));
    });
  }, [model, retentionDays]);

  const toggle = (id: string, on: boolean) => {
    const next = new Set(chosen);
    if (on) next.add(id);
    else next.delete(id);
    setChosen(next);
  };

  async function submit(e: Event) {
    e.preventDefault();
    const normalised = normaliseCaseCode(code);
    setCodeError(!normalised);
    if (!normalised || !visits) return;
    const now = nowSeconds();
    const windows = visits.flatMap((c) => {
      const w = chosen.has(c.id) ? caseVisitOf(c, now) : undefined;
      return w ? [w] : [];
    });
    if (windows.length > MAX_CASE_VISITS) {
      setPhase({ kind: 'result', outcome: { kind: 'refused', code: 'CASE_TOO_MANY_VISITS' } });
      return;
    }
    setPhase({ kind: 'sending' });
    setPhase({ kind: 'result', outcome: await uploadCase({ code: normalised, visits: windows, bundle }) });
  }

  const outcome = phase.kind === 'result' ? phase.outcome : undefined;
  const refusedText = (c: string) =>
    c === 'CASE_TOO_MANY_VISITS'
      ? t('report.CASE_TOO_MANY_VISITS', { max: MAX_CASE_VISITS })
      : (CODE_MESSAGES as readonly string[]).includes(c)
        ? t(`report.${c as (typeof CODE_MESSAGES)[number]}`)
        : t('report.failed', { reason: c });

  return (
    <>
      <ScreenTitle>{t('report.title')}</ScreenTitle>
      <p>{t('report.intro')}</p>
      <p class="muted">{t('report.sealed')}</p>
      {outcome?.kind === 'sent' ? (
        <p class="success" role="status" data-testid="report-done" data-visits={outcome.visits}>
          {i18n.plural(outcome.visits, 'report.done')}
        </p>
      ) : (
        <form onSubmit={submit} class="card" noValidate>
          <label for="case-code">{t('report.code')}</label>
          <input
            id="case-code"
            data-testid="report-code"
            type="text"
            inputMode="text"
            autoComplete="off"
            autoCapitalize="characters"
            spellcheck={false}
            maxLength={64}
            value={code}
            aria-describedby="case-code-hint"
            aria-invalid={codeError ? 'true' : 'false'}
            onInput={(e) => setCode((e.currentTarget as HTMLInputElement).value)}
          />
          <p id="case-code-hint" class="muted">
            {codeError ? t('report.codeInvalid') : t('report.codeHint')}
          </p>

          <fieldset>
            <legend>{t('report.visits')}</legend>
            {visits === undefined ? (
              <p class="muted">{t('app.loading')}</p>
            ) : visits.length === 0 ? (
              <p class="muted">{t('report.noVisits')}</p>
            ) : (
              <>
                {visits.length > MAX_CASE_VISITS && (
                  <p class="warning" data-testid="report-cap" data-total={visits.length}>
                    {t('report.capped', { total: visits.length, max: MAX_CASE_VISITS })}
                  </p>
                )}
                <p class="muted" aria-live="polite" data-testid="report-chosen" data-count={chosen.size}>
                  {t('report.chosen', { n: chosen.size, max: MAX_CASE_VISITS })}
                </p>
                <ul class="list">
                  {visits.map((c) => (
                    <li key={c.id} class="list__item">
                      <label>
                        <input
                          type="checkbox"
                          data-testid="report-visit"
                          data-id={c.id}
                          checked={chosen.has(c.id)}
                          onChange={(e) => toggle(c.id, (e.currentTarget as HTMLInputElement).checked)}
                        />{' '}
                        {t('report.visit', {
                          venue: c.venueName,
                          from: formatDateTime(c.checkedInAt, lang),
                          to: formatTime(c.checkedOutAt ?? c.autoCheckOutAt, lang),
                        })}
                      </label>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </fieldset>

          <button
            type="submit"
            class="button button--primary"
            disabled={phase.kind === 'sending' || visits === undefined}
            data-testid="report-submit"
          >
            {phase.kind === 'sending' ? t('report.sending') : t('report.submit')}
          </button>
          {outcome && (
            <p class="error" role="alert" data-testid="report-error" data-code={outcome.code}>
              {outcome.kind === 'unreachable' ? t('report.offline') : refusedText(outcome.code)}
            </p>
          )}
        </form>
      )}
    </>
  );
}
