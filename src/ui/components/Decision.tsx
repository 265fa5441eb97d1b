/** One person's decision at a venue: outcome (icon + words), status chip, and the reasons in plain words. */
import type { PersonDecision, Reason } from '../../core/eligibility';
import { formatDateTime } from '../format';
import { type I18n, useI18n } from '../i18n';
import { OutcomeIcon } from './Icons';
import { StatusChip } from './StatusChip';

/** Rule texts come from the signed bundle in the current language; our own codes are translated here. */
export function reasonText(reason: Reason, i18n: I18n): string {
  if (reason.text) return reason.text[i18n.lang];
  if (reason.code === 'SUSPENDED' && reason.until !== undefined)
    return i18n.t('held.suspended', { date: formatDateTime(reason.until, i18n.lang) });
  return i18n.reasonText(reason.code);
}

export function DecisionCard({ name, decision, note }: { name: string; decision: PersonDecision; note?: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const outcome = decision.outcome;
  return (
    <article
      class={`decision decision--${outcome.toLowerCase().replace('_', '-')}`}
      data-testid="decision"
      data-outcome={outcome}
      data-status={decision.status}
    >
      <h3 class="decision__name">{name}</h3>
      <p class="decision__outcome">
        <OutcomeIcon outcome={outcome} />
        <span>{t(`outcome.${outcome}`)}</span>
      </p>
      <StatusChip status={decision.status ?? 'unknown'} neutral />
      {note && <p class="decision__note">{note}</p>}
      {decision.reasons.length > 0 && (
        <ul class="decision__reasons">
          {decision.reasons.map((r) => (
            <li key={`${r.code}:${r.ruleId ?? ''}`} data-reason={r.code}>
              {reasonText(r, i18n)}
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}
