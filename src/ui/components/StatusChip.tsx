/**
 * A person's colour as colour + icon + word + meaning (never colour alone). `neutral`: the same icon and words
 * without the colour, where another answer already owns the colour (a decision card's ALLOWED / DENIED): a green
 * chip under a red refusal reads as a contradiction.
 */
import { useI18n } from '../i18n';
import { StatusIcon, type StatusOrUnknown } from './Icons';

export function StatusChip({ status, neutral = false }: { status: StatusOrUnknown; neutral?: boolean }) {
  const { t } = useI18n();
  return (
    <span class={`chip ${neutral ? 'chip--neutral' : `chip--${status}`}`} data-status={status}>
      <StatusIcon status={status} />
      <span class="chip__word">{t(`status.${status}`)}</span>
      <span class="chip__meaning">{t(`statusMeaning.${status}`)}</span>
    </span>
  );
}
