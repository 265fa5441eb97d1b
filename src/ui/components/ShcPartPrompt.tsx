/**
 * "This card has 3 QR codes: 1 read. Scan part 2 of 3." — while a chunked SMART Health Card is read part by
 * part (core/shc chunks.ts `addShcChunk` keeps what was read), on the Scan screen and in guard mode. Words,
 * not only a count: the next part to show is named.
 */
import type { ShcChunkSet } from '../../core/shc/chunks';
import { useI18n } from '../i18n';

export function ShcPartPrompt({ set, missing }: { set: ShcChunkSet; missing: readonly number[] }) {
  const { t } = useI18n();
  const total = set.total;
  const next = missing[0];
  return (
    <p class="warning" role="status" data-testid="shc-part" data-next={next} data-total={total}>
      {t('shc.part', { total, read: total - missing.length, next })}
    </p>
  );
}
