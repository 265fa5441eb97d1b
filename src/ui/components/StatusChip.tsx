/** A person's colour as colour + icon + word + meaning (never colour alone). */
import { useI18n } from '../i18n';
import { StatusIcon, type StatusOrUnknown } from './Icons';

export function StatusChip({ status }: { status: StatusOrUnknown }) {
  const { t } = useI18n();
  return (
    <span class={`chip chip--${status}`}>
      <StatusIcon status={status} />
      <span class="chip__word">{t(`status.${status}`)}</span>
      <span class="chip__meaning">{t(`statusMeaning.${status}`)}</span>
    </span>
  );
}
